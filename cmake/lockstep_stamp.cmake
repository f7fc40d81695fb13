# lockstep_stamp.cmake — the stamp a plugin must carry to be loaded: the
# package's version and a digest of the headers a plugin compiles against
# (native/sim/*.hpp, native/include/lockstep/*.hpp). The addon is built
# with the same stamp and refuses a plugin with another one (a plugin
# built against other headers would disagree with it on the layout of the
# simulator's classes). Used by the top-level CMakeLists.txt (the addon)
# and by lockstepConfig.cmake (plugins), so both compute it one way.
function(lockstep_plugin_stamp out root)
  file(GLOB headers ${root}/native/sim/*.hpp
       ${root}/native/include/lockstep/*.hpp)
  list(SORT headers)
  set(digests "")
  foreach(header IN LISTS headers)
    file(SHA256 ${header} digest)
    string(APPEND digests ${digest})
  endforeach()
  string(SHA256 digest "${digests}")
  string(SUBSTRING ${digest} 0 16 digest)
  file(READ ${root}/package.json package)
  string(JSON version GET ${package} version)
  # A header edited, or the version bumped: configure again, stamp again.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${headers} ${root}/package.json)
  set(${out} "lockstep-${version}-${digest}" PARENT_SCOPE)
endfunction()
