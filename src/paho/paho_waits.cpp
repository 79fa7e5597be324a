#include "paho/paho_waits.hpp"

#if defined(__linux__)
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstring>
#include <ctime>

namespace tsmqtt {

std::atomic<bool> g_first_connect{false};
std::atomic<bool> g_first_connect_tcp{false};

}  // namespace tsmqtt

#if defined(__linux__)
// Paho C 1.3.12 spends 10 to 110 ms of a one-shot publish, which takes 2 ms with mosquitto_pub,
// in two waits of its connect path (bench/RESULTS.md), and offers no option for either. Both
// waits are calls into the C library that Paho makes through the dynamic linker, which finds
// the definitions below first, in the executable. Why that is safe:
// - each does exactly what the C library's own does (the same system calls, the same results
//   and errno) except on the one Paho thread it names, and there only while a FirstConnect
//   is alive;
// - should Paho rename its threads or stop making these calls, they are never taken and Paho
//   waits as before: slower, never wrong;
// - the whole e2e suite (TCP, TLS, WebSocket, refusals, timeouts, restarts) runs through them.
namespace {

bool on_thread(const char* name) {
    char current[16] = {};
    return pthread_getname_np(pthread_self(), current, sizeof current) == 0 &&
           std::strcmp(current, name) == 0;
}

}  // namespace

// Paho's send thread starts a non-blocking TCP connect that only the receive thread's next
// poll completes; that poll waits for input only, so it sleeps its whole timeout (10 ms) even
// though the socket is connected. Waiting here a little for the handshake, as a blocking
// connect would, lets Paho take its path for a connect that completed at once and send CONNECT
// straight away. A handshake that takes longer, or fails, is left to Paho as before, and so is
// every connect but tsmqtt's first over plain TCP: Paho's path for a connect completed at once
// mishandles TLS (a refused CONNACK comes back as a bare failure) and WebSocket (it hangs).
extern "C" int connect(int fd, const sockaddr* address, socklen_t length) {
    const auto rc = static_cast<int>(::syscall(SYS_connect, fd, address, length));
    if (rc == 0 || errno != EINPROGRESS || !tsmqtt::g_first_connect_tcp.load() ||
        !on_thread("MQTTAsync_send")) {
        return rc;
    }
    pollfd pending{fd, POLLOUT, 0};
    int error = 0;
    socklen_t size = sizeof error;
    if (::poll(&pending, 1, 100) == 1 &&
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0) {
        return 0;
    }
    errno = EINPROGRESS;
    return -1;
}

// Paho's receive thread sleeps 100 ms whenever it finds no socket to watch: at start-up a race
// with the send thread creating the socket, lost in a quarter to half of all runs. While
// tsmqtt waits for its first connection, that sleep is 1 ms.
extern "C" int usleep(useconds_t microseconds) {
    if (microseconds == 100000 && tsmqtt::g_first_connect.load() && on_thread("MQTTAsync_rcv")) {
        microseconds = 1000;
    }
    const timespec duration{static_cast<time_t>(microseconds / 1000000),
                            static_cast<long>(microseconds % 1000000) * 1000};
    return ::nanosleep(&duration, nullptr);
}
#endif
