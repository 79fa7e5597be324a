// SPDX-License-Identifier: Apache-2.0
#pragma once
// The file-system side of files that hold secrets (the profile file, a password file) and the
// one read_all/write_all of the program: regular files only, opened without waiting on a FIFO
// or device, read with a bound, written whole, and a lock file for read-modify-rename.
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"

namespace tsmqtt {

class FileDescriptor {
  public:
    explicit FileDescriptor(int fd = -1) : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor();
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

  private:
    int fd_;
};

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kMaxPasswordFile = 4096;

// Reads to the end of `fd`. More than `limit` bytes: Error(config) naming `what`; a read error:
// Error(read_error). A signal (nonzero `stop`) that interrupts the read: Error(interrupted).
std::string read_all(int fd, std::string_view what, std::size_t limit, const std::atomic<int>& stop,
                     ExitCode read_error = ExitCode::config);
// Writes all of `text`; false (errno set) on an error other than EINTR.
bool write_all(int fd, std::string_view text);

// Opens `path` for reading if it is a regular file: a FIFO, device or folder is refused at once
// (Error(config) naming `what`), never waited on. Missing: an fd of -1 when `missing_ok`.
FileDescriptor open_regular_file(const std::filesystem::path& path, std::string_view what,
                                 bool missing_ok);

// Like ssh with a private key: the file must be the running user's, readable by no one else,
// in a folder that no one else can write (who could swap the file). Error(config) otherwise.
void check_private_file(int fd, const std::filesystem::path& path, std::string_view what);

// The password of a password file ("-" = standard input): one line, at most 4 KiB.
std::string read_password_file(const std::string& path, const std::atomic<int>& stop);

// flock(2) on `target` + ".lock" for as long as it lives, so that read-modify-rename of
// `target` by two processes cannot lose one's change.
class FileLock {
  public:
    explicit FileLock(const std::filesystem::path& target);

  private:
    FileDescriptor fd_;
};

}  // namespace tsmqtt
