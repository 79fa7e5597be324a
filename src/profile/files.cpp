// SPDX-License-Identifier: Apache-2.0
#include "profile/files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace tsmqtt {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

}  // namespace

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

FileDescriptor::~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
}

std::string read_all(int fd, std::string_view what, std::size_t limit, const std::atomic<int>& stop,
                     ExitCode read_error) {
    std::string data;
    char chunk[65536];
    for (;;) {
        if (stop.load() != 0) fail(ExitCode::interrupted, "interrupted");
        const auto n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            if (stop.load() != 0) fail(ExitCode::interrupted, "interrupted");
            continue;
        }
        if (n < 0) fail(read_error, fmt::format("cannot read {}: {}", what, std::strerror(errno)));
        if (n == 0) return data;
        if (static_cast<std::size_t>(n) > limit - data.size())
            fail(ExitCode::config, fmt::format("{} is too long (more than {} bytes)", what, limit));
        data.append(chunk, static_cast<std::size_t>(n));
    }
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const auto n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

FileDescriptor open_regular_file(const std::filesystem::path& path, std::string_view what,
                                 bool missing_ok) {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer.
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT && missing_ok) return fd;
        fail(ExitCode::config,
             fmt::format("cannot read {} '{}': {}", what, path.string(), std::strerror(errno)));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        fail(ExitCode::config,
             fmt::format("cannot read {} '{}': {}", what, path.string(), std::strerror(errno)));
    if (!S_ISREG(info.st_mode)) {
        fail(ExitCode::config, fmt::format("{} '{}' is {}, not a regular file: refused", what,
                                           path.string(), kind_of(info.st_mode)));
    }
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    return fd;
}

void check_private_file(int fd, const std::filesystem::path& path, std::string_view what) {
    const auto name = path.string();
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        fail(ExitCode::config,
             fmt::format("cannot read {} {}: {}", what, name, std::strerror(errno)));
    if (info.st_uid != ::geteuid()) {
        fail(ExitCode::config,
             fmt::format("{} {} belongs to another user (uid {}): refused; only a file of your own "
                         "can hold your settings",
                         what, name, info.st_uid));
    }
    // Secrets that others can read are already leaked: say so.
    if ((info.st_mode & 077) != 0) {
        fail(ExitCode::config,
             fmt::format("{} {} is {} by others (mode {:04o}); run: chmod 600 {}", what, name,
                         (info.st_mode & 044) != 0 ? "readable" : "writable", info.st_mode & 07777,
                         name));
    }
    auto folder = path.parent_path();
    if (folder.empty()) folder = ".";
    struct stat folder_info {};
    if (::stat(folder.c_str(), &folder_info) != 0)
        fail(ExitCode::config,
             fmt::format("cannot check the folder of {} {}: {}", what, name, std::strerror(errno)));
    if ((folder_info.st_mode & 022) != 0) {
        fail(ExitCode::config,
             fmt::format("{} {} is in a folder others can write (mode {:04o}), who could replace "
                         "it: refused; move it to a folder of your own",
                         what, name, folder_info.st_mode & 07777));
    }
}

std::string read_password_file(const std::string& path, const std::atomic<int>& stop) {
    const bool from_stdin = path == "-";
    const auto what = from_stdin ? std::string("password from standard input")
                                 : fmt::format("password file '{}'", path);
    FileDescriptor file;
    if (!from_stdin) file = open_regular_file(path, "password file", false);
    auto password = read_all(from_stdin ? STDIN_FILENO : file.get(), what, kMaxPasswordFile, stop);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
        password.pop_back();
    if (password.find('\n') != std::string::npos)
        fail(ExitCode::config, fmt::format("{} has more than one line", what));
    return password;
}

FileLock::FileLock(const std::filesystem::path& target) {
    auto lock = target;
    lock += ".lock";
    fd_ = FileDescriptor(::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd_.get() < 0)
        fail(ExitCode::config, fmt::format("cannot create the lock file {}: {}", lock.string(),
                                           std::strerror(errno)));
    while (::flock(fd_.get(), LOCK_EX) != 0) {
        if (errno != EINTR)
            fail(ExitCode::config,
                 fmt::format("cannot lock {}: {}", lock.string(), std::strerror(errno)));
    }
}

}  // namespace tsmqtt
