// SPDX-License-Identifier: Apache-2.0
#include "paho/tls_probe.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace tsmqtt {
namespace {

struct Socket {
    int fd = -1;
    ~Socket() {
        if (fd >= 0) ::close(fd);
    }
};

// Connects with a deadline; returns "" on success or the reason it failed.
std::string tcp_connect(Socket& sock, const Endpoint& endpoint, int timeout_seconds) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const auto port = std::to_string(endpoint.port);
    const int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0)
        return fmt::format("cannot resolve host '{}': {}", endpoint.host, ::gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
    std::string why = "no address";
    for (auto* ai = found; ai != nullptr; ai = ai->ai_next) {
        Socket candidate;
        candidate.fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                                ai->ai_protocol);
        if (candidate.fd < 0) continue;
        if (::connect(candidate.fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            why = std::strerror(errno);
            continue;
        }
        pollfd pfd{candidate.fd, POLLOUT, 0};
        if (::poll(&pfd, 1, timeout_seconds * 1000) != 1) {
            why = "timed out";
            continue;
        }
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(candidate.fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) {
            why = std::strerror(error);
            continue;
        }
        // Back to blocking, with timeouts, for OpenSSL's simple blocking handshake.
        ::fcntl(candidate.fd, F_SETFL, ::fcntl(candidate.fd, F_GETFL) & ~O_NONBLOCK);
        timeval tv{timeout_seconds, 0};
        ::setsockopt(candidate.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(candidate.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sock.fd = candidate.fd;
        candidate.fd = -1;
        return {};
    }
    return why;
}

std::string verify_failure(long result, const Endpoint& endpoint, const std::string& subject) {
    switch (result) {
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return "the server's certificate is self-signed and not trusted (give its CA with "
                   "--cafile)";
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            return "the server's certificate is signed by an unknown CA (give the CA with --cafile "
                   "or --capath)";
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "the server's certificate has expired";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "the server's certificate is not yet valid (check this machine's clock)";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return fmt::format("host name mismatch: the server's certificate{} does not name '{}'",
                               subject.empty() ? "" : fmt::format(" (for '{}')", subject),
                               endpoint.host);
        default:
            return fmt::format("certificate verification failed: {}",
                               X509_verify_cert_error_string(result));
    }
}

// What the handshake showed, kept as the SSL's app data.
struct Seen {
    std::string leaf_subject;  // after a failed handshake OpenSSL no longer hands it out
    bool client_certificate_asked = false;
};

int remember_leaf(int ok, X509_STORE_CTX* store) {
    if (X509_STORE_CTX_get_error_depth(store) == 0) {
        auto* ssl = static_cast<SSL*>(
            X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
        auto* seen = static_cast<Seen*>(SSL_get_app_data(ssl));
        X509* cert = X509_STORE_CTX_get_current_cert(store);
        if (seen != nullptr && cert != nullptr && seen->leaf_subject.empty()) {
            char name[256] = {};
            if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name,
                                          sizeof name) > 0) {
                seen->leaf_subject = name;
            }
        }
    }
    return ok;
}

// OpenSSL asks this only when the server requests a certificate and none was given.
int note_certificate_request(SSL* ssl, X509**, EVP_PKEY**) {
    if (auto* seen = static_cast<Seen*>(SSL_get_app_data(ssl)))
        seen->client_certificate_asked = true;
    return 0;
}

// Under TLS 1.3 the client finishes its handshake before the server checks the client's
// certificate, so a refusal arrives as an alert on the first read.
bool refused_after_handshake(SSL* ssl) {
    char byte = 0;
    ERR_clear_error();
    return SSL_read(ssl, &byte, 1) <= 0 && ERR_peek_last_error() != 0;
}

std::string missing_certificate(const Endpoint& endpoint) {
    return fmt::format(
        "TLS with {}:{} failed: the server demands a client certificate and none was given "
        "(give one with --cert FILE --key FILE)",
        endpoint.host, endpoint.port);
}

bool is_ip_address(const std::string& host) {
    return host.find(':') != std::string::npos ||
           host.find_first_not_of("0123456789.") == std::string::npos;
}

// Performs a TLS handshake with the same trust settings Paho was given.
ProbeResult tls_handshake(int fd, const Settings& settings, const Endpoint& endpoint) {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
    if (!ctx) return {ExitCode::tls, "cannot set up TLS"};
    const bool verify = !settings.insecure;
    if (!settings.cafile.empty() || !settings.capath.empty()) {
        if (SSL_CTX_load_verify_locations(
                ctx.get(), settings.cafile.empty() ? nullptr : settings.cafile.c_str(),
                settings.capath.empty() ? nullptr : settings.capath.c_str()) != 1) {
            return {ExitCode::tls,
                    fmt::format("cannot load the trust anchors from {}",
                                settings.cafile.empty() ? settings.capath : settings.cafile)};
        }
    } else {
        SSL_CTX_set_default_verify_paths(ctx.get());
    }
    SSL_CTX_set_verify(ctx.get(), verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                       verify ? remember_leaf : nullptr);
    SSL_CTX_set_client_cert_cb(ctx.get(), note_certificate_request);
    if (!settings.cert.empty()) {
        if (SSL_CTX_use_certificate_chain_file(ctx.get(), settings.cert.c_str()) != 1) {
            return {ExitCode::tls,
                    fmt::format("cannot load the client certificate {}", settings.cert)};
        }
        const auto& key = settings.key.empty() ? settings.cert : settings.key;
        if (SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1) {
            return {ExitCode::tls, fmt::format("cannot load the client key {}", key)};
        }
    }
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
    SSL_set_fd(ssl.get(), fd);
    Seen seen;
    SSL_set_app_data(ssl.get(), &seen);
    if (!is_ip_address(endpoint.host)) SSL_set_tlsext_host_name(ssl.get(), endpoint.host.c_str());
    if (verify) {
        auto* param = SSL_get0_param(ssl.get());
        if (is_ip_address(endpoint.host)) {
            X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str());
        } else {
            X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
        }
    }
    ERR_clear_error();
    const int rc = SSL_connect(ssl.get());
    if (rc == 1) {
        if (seen.client_certificate_asked && refused_after_handshake(ssl.get()))
            return {ExitCode::tls, missing_certificate(endpoint)};
        return {ExitCode::ok, {}};
    }
    const long result = SSL_get_verify_result(ssl.get());
    if (verify && result != X509_V_OK) {
        return {ExitCode::tls,
                fmt::format("TLS with {}:{} failed: {}", endpoint.host, endpoint.port,
                            verify_failure(result, endpoint, seen.leaf_subject))};
    }
    if (seen.client_certificate_asked) return {ExitCode::tls, missing_certificate(endpoint)};
    const unsigned long err = ERR_peek_last_error();
    const int reason = ERR_GET_REASON(err);
    if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG) {
        return {ExitCode::tls,
                fmt::format("TLS with {}:{} failed: the server does not speak TLS on this port "
                            "(a plain MQTT port? try --transport tcp or ws, or the TLS port)",
                            endpoint.host, endpoint.port)};
    }
    if (err == 0) {
        // A TLS server answers a bad handshake with an alert; a plain MQTT server just hangs up.
        return {ExitCode::tls,
                fmt::format("TLS with {}:{} failed: the server closed the connection without a TLS "
                            "answer: it does not speak TLS on this port (a plain MQTT port? try "
                            "--transport tcp or ws, or the TLS port)",
                            endpoint.host, endpoint.port)};
    }
    char text[256] = {};
    ERR_error_string_n(err, text, sizeof text);
    return {ExitCode::tls,
            fmt::format("TLS handshake with {}:{} failed: {}", endpoint.host, endpoint.port, text)};
}

}  // namespace

ProbeResult probe_connection(const Settings& settings, const Endpoint& endpoint) {
    Socket sock;
    // The probe only explains a failure that already happened: it may not keep the user waiting.
    const auto why = tcp_connect(sock, endpoint, std::min(settings.connect_timeout, 5));
    if (!why.empty()) {
        return {ExitCode::network,
                fmt::format("cannot reach {}:{}: {}", endpoint.host, endpoint.port, why)};
    }
    if (endpoint.secure()) return tls_handshake(sock.fd, settings, endpoint);
    // A plain transport: if the port answers a TLS handshake, the user picked the wrong one.
    Settings relaxed = settings;
    relaxed.insecure = true;
    if (tls_handshake(sock.fd, relaxed, endpoint).code == ExitCode::ok) {
        return {ExitCode::tls,
                fmt::format("{}:{} expects TLS: use --transport {} (or a {}:// URL)", endpoint.host,
                            endpoint.port, endpoint.transport == Transport::ws ? "wss" : "tls",
                            endpoint.transport == Transport::ws ? "wss" : "mqtts")};
    }
    return {ExitCode::ok, {}};
}

}  // namespace tsmqtt
