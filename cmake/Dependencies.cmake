# Third-party libraries come from Debian packages. vg runs before every
# command a person types, and loading these as shared objects costs ~10 ms at
# start-up (shared/design/facts.md), so the static archives are preferred.

find_package(Threads REQUIRED)
find_package(CLI11 CONFIG REQUIRED)

# vg_static_dep(NAME LIBNAME [DEPS...]) defines dep::NAME from libLIBNAME.a.
function(vg_static_dep name libname)
  find_library(VG_DEP_${name} NAMES lib${libname}.a REQUIRED)
  add_library(dep::${name} STATIC IMPORTED GLOBAL)
  set_target_properties(dep::${name} PROPERTIES IMPORTED_LOCATION ${VG_DEP_${name}})
  if(ARGN)
    set_target_properties(dep::${name} PROPERTIES INTERFACE_LINK_LIBRARIES "${ARGN}")
  endif()
endfunction()

vg_static_dep(re2 re2 Threads::Threads)
vg_static_dep(yaml_cpp yaml-cpp)
vg_static_dep(tree_sitter tree-sitter)
vg_static_dep(seccomp seccomp)
vg_static_dep(snappy snappy)
vg_static_dep(lz4 lz4)
vg_static_dep(zstd zstd)
vg_static_dep(zlib z)
vg_static_dep(bz2 bz2)
vg_static_dep(gflags gflags)
vg_static_dep(rocksdb rocksdb dep::snappy dep::lz4 dep::zstd dep::zlib dep::bz2 dep::gflags Threads::Threads ${CMAKE_DL_LIBS})

