// SPDX-License-Identifier: Apache-2.0
#include "paho/tcp_nodelay.hpp"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>

namespace tsmqtt {
namespace {

bool is_tcp_socket(int fd) {
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode)) return false;
    int type = 0;
    int protocol = 0;
    socklen_t size = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0 || type != SOCK_STREAM)
        return false;
    size = sizeof protocol;
    return ::getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &size) == 0 &&
           protocol == IPPROTO_TCP;
}

}  // namespace

void disable_nagle_on_tcp_sockets() {
    DIR* fds = ::opendir("/proc/self/fd");
    if (fds == nullptr) return;
    const int own = ::dirfd(fds);
    while (const auto* entry = ::readdir(fds)) {
        char* end = nullptr;
        const long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == own || !is_tcp_socket(int(fd))) continue;
        const int on = 1;
        ::setsockopt(int(fd), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
    ::closedir(fds);
}

}  // namespace tsmqtt
