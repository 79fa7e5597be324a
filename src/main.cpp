// SPDX-License-Identifier: Apache-2.0
#include <fcntl.h>

#include <cstdio>
#include <cstdlib>

#include "cli/run.hpp"

namespace {

// A descriptor 0-2 closed by the caller (`>&-`) would be handed to the next open(), the broker
// socket, and tsmqtt's output would land in the MQTT stream: give each closed one /dev/null.
void open_closed_standard_fds() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1) continue;
        // open() returns the lowest free descriptor, which is this one.
        if (::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd) std::_Exit(1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    open_closed_standard_fds();
    const int code = tsmqtt::cli::run(argc, argv);
    // Skips the Paho client's slow teardown (docs in src/paho/paho_waits.cpp and
    // ARCHITECTURE.md): by now every message is delivered and the connection closed; only
    // buffered output remains.
    std::fflush(nullptr);
    std::_Exit(code);
}
