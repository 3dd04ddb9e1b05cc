# vg_library(NAME [PUBLIC deps...] [PRIVATE deps...])
# One folder, one static library: every *.cpp below the current folder except
# *_test.cpp and tools/*.cpp. The *_test.cpp files form one GoogleTest binary, NAME_test,
# labelled "unit". Files are globbed so adding one touches no shared list.
function(vg_library name)
  cmake_parse_arguments(A "" "" "PUBLIC;PRIVATE;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE all CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(srcs ${all})
  set(tests ${all})
  list(FILTER srcs EXCLUDE REGEX "_test\\.cpp$")
  # tools/ holds build-time programs with their own main().
  list(FILTER srcs EXCLUDE REGEX "/tools/")
  list(FILTER tests INCLUDE REGEX "_test\\.cpp$")
  if(NOT srcs)
    set(empty ${CMAKE_CURRENT_BINARY_DIR}/${name}_empty.cpp)
    file(WRITE ${empty} "// ${name} has no sources yet.\n")
    set(srcs ${empty})
  endif()
  add_library(${name} STATIC ${srcs})
  target_link_libraries(${name} PUBLIC vg_warnings ${A_PUBLIC} PRIVATE ${A_PRIVATE})
  if(VG_TESTS AND tests)
    add_executable(${name}_test ${tests})
    target_link_libraries(${name}_test PRIVATE ${name} ${A_PRIVATE} ${A_TEST_DEPS} GTest::gtest GTest::gtest_main)
    gtest_discover_tests(${name}_test DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS unit ENVIRONMENT "VG_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
  endif()
endfunction()
