# Install rules and the Debian package (included from CMakeLists.txt).
#   make install PREFIX=/usr/local [DESTDIR=/tmp/stage]   (scripts/install.sh: cmake --install)
#   make uninstall                                        (removes what build/install_manifest.txt lists)
#   make deb                                              (cpack -G DEB → build/aeterna_<version>_<arch>.deb)
include(GNUInstallDirs)

install(TARGETS aeterna RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# the static aeterna's network helper (cli/src/lib/net_helper.h), where it looks for it
if(AETERNA_IS_STATIC)
  install(TARGETS aeterna-net RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/aeterna)
endif()

# Man pages and shell completions are produced from the built binary by scripts/gen-share.sh into
# build/share/{man1,bash,zsh,fish}/ (the hook: the pages and completions come from the CLI's own
# option tables). Whatever the script produced is installed; nothing else.
set(AETERNA_SHARE_DIR "${CMAKE_BINARY_DIR}/share")
add_custom_command(
  OUTPUT "${AETERNA_SHARE_DIR}/.stamp"
  COMMAND sh "${CMAKE_SOURCE_DIR}/scripts/gen-share.sh" "$<TARGET_FILE:aeterna>" "${AETERNA_SHARE_DIR}"
  DEPENDS aeterna "${CMAKE_SOURCE_DIR}/scripts/gen-share.sh"
  COMMENT "Generating man pages and shell completions"
  VERBATIM)
add_custom_target(aeterna_share ALL DEPENDS "${AETERNA_SHARE_DIR}/.stamp")

# zsh: Debian's zsh reads /usr/share/zsh/vendor-completions; other prefixes use site-functions.
install(CODE "
  set(_share \"${AETERNA_SHARE_DIR}\")
  if(DEFINED ENV{AETERNA_SHARE_DIR})  # another generated folder (the install test uses this)
    set(_share \"$ENV{AETERNA_SHARE_DIR}\")
  endif()
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(_zsh_dir \"share/zsh/vendor-completions\")
  else()
    set(_zsh_dir \"share/zsh/site-functions\")
  endif()
  foreach(_pair \"man1/*.1=${CMAKE_INSTALL_MANDIR}/man1\"
                \"bash/aeterna=share/bash-completion/completions\"
                \"zsh/_aeterna=\${_zsh_dir}\"
                \"fish/aeterna.fish=share/fish/vendor_completions.d\")
    string(REPLACE \"=\" \";\" _kv \"\${_pair}\")
    list(GET _kv 0 _glob)
    list(GET _kv 1 _dest)
    file(GLOB _files \"\${_share}/\${_glob}\")
    if(_files)
      file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/\${_dest}\" TYPE FILE
           PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES \${_files})
    endif()
  endforeach()
")

# Debian package: dependencies computed by dpkg-shlibdeps from the libraries the executables link
# (only libc6, for aeterna-net: aeterna is static, and libfyaml, jansson and PCRE2 are linked into
# both, see CMakeLists.txt), plus those aeterna-net loads at run time (below).
set(AETERNA_DEB_MAINTAINER "kikokikok <kikokikok@users.noreply.github.com>" CACHE STRING "Maintainer field of the .deb")
set(CPACK_PACKAGE_NAME aeterna)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "Aeterna")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "set up, validate and check an Aeterna deployment")
set(CPACK_PACKAGE_DESCRIPTION "aeterna writes the Helm values, docker-compose stack and client configuration of an
Aeterna AI-agent memory server (setup), checks them against the chart's schema and rules
(validate), and checks every configured service live (status).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AETERNA_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/kikokikok/aeterna")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Libraries the binary loads at run time (dlopen) are invisible to dpkg-shlibdeps: libcurl
# (URL checks, status) and libpq (status). Names of Debian 12, where the release is built.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4, libpq5")
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX "${CMAKE_BINARY_DIR}")
include(CPack)
