# SPDX-License-Identifier: Apache-2.0
# Debian package, built by ./scripts/check.d/package.sh:
#   cmake -S . -B build-deb -DCMAKE_BUILD_TYPE=Release -DTSMQTT_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
# Included from the top CMakeLists.txt after the subdirectories, so every install() rule is
# known. The man pages and completions are installed by cmake/Docs.cmake.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tsmqtt)
set(CPACK_PACKAGE_VENDOR "tsmqtt developers")
set(CPACK_PACKAGE_CONTACT "tsmqtt developers <tsmqtt@example.invalid>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_PACKAGE_NAME tsmqtt)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "tsmqtt developers <tsmqtt@example.invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# No public home page yet; set CPACK_DEBIAN_PACKAGE_HOMEPAGE once there is one.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# TLS to ThingSpeak is verified against the system store.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)
# The synopsis is the project's DESCRIPTION (CPACK_PACKAGE_DESCRIPTION_SUMMARY); this is the
# extended description, which CPack indents.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "tsmqtt sends updates to ThingSpeak channels and prints channel updates as
they happen, over MQTT. It knows ThingSpeak's topics, payload format and
rules (QoS 0, no retain, rate limits), validates values before sending, and
reads entries line by line from standard input for sensor loops.
Subscriptions print as text, CSV or JSON Lines for pipes and spreadsheets.
Credentials live in profiles (mode 0600), never on the command line. With
--topic it is a plain MQTT client for any broker, over TCP, TLS, WebSocket
or secure WebSocket.")

# Debian wants a copyright file and a changelog in /usr/share/doc/<package>.
set(TSMQTT_DEBIAN_VERSION "${CPACK_PACKAGE_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
string(TIMESTAMP TSMQTT_DEBIAN_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)  # honours SOURCE_DATE_EPOCH
configure_file("${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in"
               "${CMAKE_BINARY_DIR}/packaging/changelog.Debian" @ONLY)
find_program(TSMQTT_GZIP gzip REQUIRED)
execute_process(COMMAND "${TSMQTT_GZIP}" -9 -n -c "${CMAKE_BINARY_DIR}/packaging/changelog.Debian"
                OUTPUT_FILE "${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz"
                COMMAND_ERROR_IS_FATAL ANY)
# They belong to the .deb only: a plain `cmake --install` leaves them out (EXCLUDE_FROM_ALL),
# and CPack installs the "debian" component on top of everything else.
install(FILES "${CMAKE_CURRENT_LIST_DIR}/debian/copyright"
              "${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz"
        DESTINATION share/doc/tsmqtt COMPONENT debian EXCLUDE_FROM_ALL)
install(FILES "${CMAKE_CURRENT_LIST_DIR}/debian/lintian-overrides"
        DESTINATION share/lintian/overrides RENAME tsmqtt COMPONENT debian EXCLUDE_FROM_ALL)
set(CPACK_INSTALL_CMAKE_PROJECTS
    "${CMAKE_BINARY_DIR};${PROJECT_NAME};ALL;/"
    "${CMAKE_BINARY_DIR};${PROJECT_NAME};debian;/")

include(CPack)
