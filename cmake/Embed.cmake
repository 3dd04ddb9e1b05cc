# vg_embed(TARGET NAMESPACE FUNCTION FILES...) compiles FILES into TARGET as a
# table returned by `NAMESPACE::FUNCTION()`: a span of {name, text} pairs,
# name relative to the current source dir. Data files (default config, rule
# packs, shell hooks) live in the binary so vg needs nothing installed beside it.
function(vg_embed target ns func)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${func}_embedded.cpp)
  set(abs_files)
  foreach(f ${ARGN})
    list(APPEND abs_files ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ns} -DFUNC=${func}
            -DBASE=${CMAKE_CURRENT_SOURCE_DIR} "-DFILES=${abs_files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${abs_files} ${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${func} data files"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
