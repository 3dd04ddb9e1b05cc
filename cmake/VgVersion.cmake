# vg_version_info(TARGET): add the generated version_info.cpp (version,
# commit, build type; vg/version.hpp) to TARGET. It is rewritten on every
# build but only changes, and so only recompiles, when the commit or the
# dirty state does.
function(vg_version_info target)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/version_info.cpp)
  add_custom_target(${target}_version_info
    BYPRODUCTS ${out}
    COMMAND ${CMAKE_COMMAND} -DSRC=${PROJECT_SOURCE_DIR} -DOUT=${out} -DVERSION=${PROJECT_VERSION}
            -DBUILD_TYPE=${CMAKE_BUILD_TYPE} -P ${PROJECT_SOURCE_DIR}/cmake/version_info.cmake
    COMMENT "Recording vg's version and commit"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
  add_dependencies(${target} ${target}_version_info)
endfunction()
