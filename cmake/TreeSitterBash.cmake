# tree-sitter-bash is not packaged by Debian. Fetch the pinned release from the
# npm registry with `npm pack`, check its integrity hash, and build its C
# sources. Debian's tree-sitter 0.20.7 accepts grammar ABI 13-14; 0.23.3 is
# ABI 14 (shared/design/facts.md). No grammar source is committed.

set(VG_TSB_VERSION 0.23.3)
# sha512 of tree-sitter-bash-0.23.3.tgz (npm integrity
# sha512-36cg/GQ2YmIbeiBeqeuh4fBJ6i4kgVouDaqTxqih5ysPag+zHufyIaxMOFeM8CeplwAK/Luj1o5XHqgdAfoCZg==)
set(VG_TSB_SHA512 dfa720fc643662621b7a205ea9eba1e1f049ea2e24815a2e0daa93c6a8a1e72b0f6a0fb31ee7f221ac4c38578cf027a997000afcbba3d68e571ea81d01fa0266)

set(tsb_dir ${CMAKE_BINARY_DIR}/_deps/tree-sitter-bash)
set(tsb_tgz ${tsb_dir}/tree-sitter-bash-${VG_TSB_VERSION}.tgz)
# A directory of already fetched tarballs (for offline rebuilds).
set(VG_NPM_TARBALLS "$ENV{VG_NPM_TARBALLS}" CACHE PATH "Directory holding pre-fetched npm tarballs")

function(vg_tsb_verify file out)
  file(SHA512 ${file} got)
  if(got STREQUAL VG_TSB_SHA512)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

set(tsb_ok FALSE)
if(EXISTS ${tsb_tgz})
  vg_tsb_verify(${tsb_tgz} tsb_ok)
endif()
if(NOT tsb_ok AND VG_NPM_TARBALLS AND EXISTS ${VG_NPM_TARBALLS}/tree-sitter-bash-${VG_TSB_VERSION}.tgz)
  file(COPY ${VG_NPM_TARBALLS}/tree-sitter-bash-${VG_TSB_VERSION}.tgz DESTINATION ${tsb_dir})
  vg_tsb_verify(${tsb_tgz} tsb_ok)
endif()
if(NOT tsb_ok)
  find_program(NPM npm REQUIRED)
  file(MAKE_DIRECTORY ${tsb_dir})
  message(STATUS "Fetching tree-sitter-bash@${VG_TSB_VERSION} with npm pack")
  execute_process(
    COMMAND ${NPM} pack --silent tree-sitter-bash@${VG_TSB_VERSION} --pack-destination ${tsb_dir}
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${tsb_tgz})
    message(FATAL_ERROR "npm pack tree-sitter-bash@${VG_TSB_VERSION} failed (${rc}): ${err}\n"
      "hint: the npm registry must be reachable, or set VG_NPM_TARBALLS to a directory holding the tarball")
  endif()
  vg_tsb_verify(${tsb_tgz} tsb_ok)
  if(NOT tsb_ok)
    file(REMOVE ${tsb_tgz})
    message(FATAL_ERROR "tree-sitter-bash-${VG_TSB_VERSION}.tgz does not match its pinned sha512; refusing to build with it")
  endif()
endif()

set(tsb_src ${tsb_dir}/package/src)
if(NOT EXISTS ${tsb_src}/parser.c OR ${tsb_tgz} IS_NEWER_THAN ${tsb_src}/parser.c)
  file(REMOVE_RECURSE ${tsb_dir}/package)
  file(ARCHIVE_EXTRACT INPUT ${tsb_tgz} DESTINATION ${tsb_dir} PATTERNS package/src)
endif()

add_library(tree_sitter_bash STATIC ${tsb_src}/parser.c ${tsb_src}/scanner.c)
target_include_directories(tree_sitter_bash PRIVATE ${tsb_src})
set_target_properties(tree_sitter_bash PROPERTIES C_STANDARD 11 POSITION_INDEPENDENT_CODE ON)
target_compile_options(tree_sitter_bash PRIVATE -O2 -w)
