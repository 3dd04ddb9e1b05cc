# The Debian package, through CPack: `cpack -G DEB` in the build directory
# (scripts/package-deb.sh builds it and runs lintian). vg and its helpers
# are static executables, so the package depends on no shared library; what
# they link statically is named in the copyright file.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
# A native package's changelog, compressed as Debian wants it.
set(vg_changelog ${CMAKE_BINARY_DIR}/packaging/changelog.gz)
add_custom_command(
  OUTPUT ${vg_changelog}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
  COMMAND sh -c "gzip -9n < '${CMAKE_CURRENT_LIST_DIR}/changelog' > '${vg_changelog}'"
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/changelog
  VERBATIM)
add_custom_target(vg_changelog ALL DEPENDS ${vg_changelog})
install(FILES ${vg_changelog} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME vg)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vg)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the vg authors")
set(CPACK_PACKAGE_CONTACT "vg maintainers <maintainers@users.noreply.r-seed-f2101d65.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "command guard that understands, scores and sandboxes shell commands")
set(CPACK_PACKAGE_DESCRIPTION
    "vg stands between a shell and the machine. Every command, typed by a person or
handed over by an AI coding agent, is parsed (tree-sitter-bash), scored by
rules kept as data, routed (host, sandbox, ask or refuse) and run: on the
host, or in a Linux-namespace sandbox whose writes the host checks before
they land. Sandboxed runs are cached and replayed.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Static executables: no shared-library dependencies to compute. The
# microVM backend runs QEMU and builds its guest from busybox-static.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qemu-system-x86, busybox-static")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# gzip: xz takes minutes over the 250 MB of debug information in vg-dbgsym;
# packaging/build-deb.sh recompresses vg itself with xz as it adds Built-Using.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
# cpack splits the debug information off (objcopy --only-keep-debug, by
# build id) into vg-dbgsym and strips the binaries of vg itself.
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
include(CPack)
