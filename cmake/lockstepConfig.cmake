# lockstepConfig.cmake — find_package(lockstep) for a project that checks
# its own lock-free structures with lockstep:
#
#   find_package(lockstep REQUIRED PATHS node_modules/lockstep/cmake)
#   lockstep_add_target(ring_target SOURCES ring_target.cpp)
#
# gives
#   lockstep::engine  the engine's headers (<lockstep/std_sync.hpp>, the
#                     structures), for production code over StdSync;
#   lockstep::sim     the simulator's headers and the SDK
#                     (<lockstep/sdk.hpp>), for plugins;
#   lockstep_add_target(<name> SOURCES <files>...)
#                     a plugin: a shared library <name>.so, built against
#                     the simulator and stamped, that `lockstep ...
#                     --plugin` and the API's loadPlugin() open at run time.
# No warning flags are imposed on your code; C++20 is required.
get_filename_component(_lockstep_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(_lockstep_cmake_dir "${CMAKE_CURRENT_LIST_DIR}")
include("${CMAKE_CURRENT_LIST_DIR}/lockstep_stamp.cmake")
lockstep_plugin_stamp(_lockstep_stamp "${_lockstep_root}")
file(READ "${_lockstep_root}/package.json" _lockstep_package)
string(JSON lockstep_VERSION GET "${_lockstep_package}" version)

if(NOT TARGET lockstep::engine)
  add_library(lockstep::engine INTERFACE IMPORTED)
  set_target_properties(lockstep::engine PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_lockstep_root}/native/include"
    INTERFACE_COMPILE_FEATURES cxx_std_20)
  add_library(lockstep::sim INTERFACE IMPORTED)
  set_target_properties(lockstep::sim PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES
      "${_lockstep_root}/native/include;${_lockstep_root}/native"
    INTERFACE_COMPILE_FEATURES cxx_std_20
    INTERFACE_COMPILE_DEFINITIONS "LOCKSTEP_PLUGIN_STAMP=\"${_lockstep_stamp}\"")
endif()

function(lockstep_add_target name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "lockstep_add_target(${name}): SOURCES is required")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
            "lockstep_add_target(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  add_library(${name} MODULE ${arg_SOURCES} "${_lockstep_cmake_dir}/plugin_stamp.cpp")
  target_link_libraries(${name} PRIVATE lockstep::sim)
  # <name>.so; its undefined symbols (the simulator's) resolve against the
  # lockstep addon that opens it.
  set_target_properties(${name} PROPERTIES PREFIX "" SUFFIX ".so"
                        POSITION_INDEPENDENT_CODE ON)
endfunction()
