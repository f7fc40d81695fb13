# The benchmark peers from Debian's packages, for the benchmark loops
# (native/bench) and their smoke tests (native/tests): each is compiled in
# (-D${define}) when its header is found and, if a library is named, linked
# when that library is found too; a loop lists the peers it lacks as skipped.

function(lockstep_bench_peer target define header)
  string(MAKE_C_IDENTIFIER "LOCKSTEP_HAVE_${header}" found)
  find_path(${found} ${header})
  if(NOT ${found})
    return()
  endif()
  if(ARGC GREATER 3)
    find_library(LOCKSTEP_LIB_${ARGV3} ${ARGV3})
    if(NOT LOCKSTEP_LIB_${ARGV3})
      return()
    endif()
    target_link_libraries(${target} PRIVATE ${LOCKSTEP_LIB_${ARGV3}})
  endif()
  target_compile_definitions(${target} PRIVATE ${define})
endfunction()

# Every peer of benchmark `bench` (alloc, sched, queue, spsc, stack) on `target`.
function(lockstep_bench_peers bench target)
  if(bench STREQUAL "alloc")
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_JEMALLOC jemalloc/jemalloc.h jemalloc)
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_MIMALLOC mimalloc.h mimalloc)
  elseif(bench STREQUAL "sched")
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_TBB oneapi/tbb/task_group.h tbb)
  elseif(bench STREQUAL "queue")
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_BOOST boost/lockfree/queue.hpp)
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_MOODYCAMEL concurrentqueue/concurrentqueue.h)
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_TBB oneapi/tbb/concurrent_queue.h tbb)
  elseif(bench STREQUAL "spsc")
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_BOOST boost/lockfree/spsc_queue.hpp)
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_READERWRITERQUEUE readerwriterqueue/readerwriterqueue.h)
  elseif(bench STREQUAL "stack")
    lockstep_bench_peer(${target} LOCKSTEP_BENCH_BOOST boost/lockfree/stack.hpp)
  endif()
endfunction()
