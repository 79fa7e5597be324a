// SPDX-License-Identifier: Apache-2.0
// Paho C 1.3.12 spends 10 to 110 ms of a one-shot publish, which takes 2 ms with mosquitto_pub,
// in two waits of its connect path (bench/RESULTS.md), and offers no option for either (the
// waits are known upstream: paho.mqtt.c pull request 1458). Both are calls into the C library
// that Paho makes through the dynamic linker, which finds the definitions below first, in the
// executable. This file is linked into the tsmqtt executable only, never into a library
// (src/CMakeLists.txt, option TSMQTT_PAHO_WAITS), so no other program (tsmqtt-relay, the unit
// tests) ever defines connect() or usleep(). Why that is safe:
// - each calls the next definition of its function (the C library's, or a sanitizer's
//   interceptor) with the caller's arguments, and changes an argument or a result only on the
//   one Paho thread it names, only while a FirstConnect is alive, and only under a Paho C
//   version whose connect path was read and measured (kVerifiedPahoVersions);
// - should Paho rename its threads or stop making these calls, they are never taken and Paho
//   waits as before: slower, never wrong (tests/e2e/test_paho_waits.py fails then);
// - the whole e2e suite (TCP, TLS, WebSocket, refusals, timeouts, restarts) runs through them.
#include "paho/paho_waits.hpp"

#include <MQTTAsync.h>
#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

// The Paho C versions, as MQTTAsync_getVersionInfo() reports them, whose connect path these
// waits were read in and measured with. Debian 12's libpaho-mqtt 1.3.12-1 reports "1.3.11"
// (docs/platform.md). Under any other version both definitions below only forward.
constexpr std::array<std::string_view, 1> kVerifiedPahoVersions{"1.3.11"};

std::string_view paho_version() {
    // Stands in for the library's own report, so that a test can show what another Paho C gets.
    if (const char* pretend = std::getenv("TSMQTT_PAHO_WAITS_VERSION")) return pretend;
    for (const MQTTAsync_nameValue* info = MQTTAsync_getVersionInfo(); info->name != nullptr;
         ++info) {
        if (std::strcmp(info->name, "Version") == 0) return info->value;
    }
    return "unknown";
}

struct Waits {
    bool active = false;
    bool report = false;  // TSMQTT_PAHO_WAITS_REPORT: a line on stderr for each wait shortened
};

// Decided once, before main() and so before Paho starts a thread. A call that comes earlier
// (from another library's constructor) finds it zero: dormant.
Waits g_waits;

void report(const char* line) {
    if (g_waits.report) std::fputs(line, stderr);
}

[[maybe_unused]] const bool g_decided = [] {
    const auto version = paho_version();
    g_waits.active = std::find(kVerifiedPahoVersions.begin(), kVerifiedPahoVersions.end(),
                               version) != kVerifiedPahoVersions.end();
    g_waits.report = std::getenv("TSMQTT_PAHO_WAITS_REPORT") != nullptr;
    const std::string line = std::string("tsmqtt: paho waits: ") +
                             (g_waits.active ? "active" : "dormant") + " (Paho C " +
                             std::string(version) + ")\n";
    report(line.c_str());
    return true;
}();

bool on_thread(const char* name) {
    char current[16] = {};
    return pthread_getname_np(pthread_self(), current, sizeof current) == 0 &&
           std::strcmp(current, name) == 0;
}

template <typename Function>
Function next_definition(const char* name) {
    return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
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
    static const auto next = next_definition<int (*)(int, const sockaddr*, socklen_t)>("connect");
    const int rc = next(fd, address, length);
    if (rc == 0 || errno != EINPROGRESS || !g_waits.active || !tsmqtt::g_first_connect_tcp.load() ||
        !on_thread("MQTTAsync_send")) {
        return rc;
    }
    pollfd pending{fd, POLLOUT, 0};
    int error = 0;
    socklen_t size = sizeof error;
    if (::poll(&pending, 1, 100) == 1 &&
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0) {
        report("tsmqtt: paho waits: connect() completed at once\n");
        return 0;
    }
    errno = EINPROGRESS;
    return -1;
}

// Paho's receive thread sleeps 100 ms whenever it finds no socket ready: at start-up a race
// with the send thread creating the socket, lost in a quarter to half of all runs, and after
// its first, 10 ms poll when the CONNACK is not there yet. While tsmqtt waits for its first
// connection, that sleep is 1 ms.
extern "C" int usleep(useconds_t microseconds) {
    static const auto next = next_definition<int (*)(useconds_t)>("usleep");
    if (microseconds == 100000 && g_waits.active && tsmqtt::g_first_connect.load() &&
        on_thread("MQTTAsync_rcv")) {
        report("tsmqtt: paho waits: a 100 ms sleep made 1 ms\n");
        microseconds = 1000;
    }
    return next(microseconds);
}
