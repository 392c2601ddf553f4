// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/state/Storage.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace State {

namespace {

std::string Describe(int error, const std::string& path, const char* what) {
    return std::string(what) + " " + path + ": " + std::strerror(error);
}

[[noreturn]] void Fail(int error, const std::string& path, const char* what) {
    throw StorageError(error, path, Describe(error, path, what));
}

/** Closes on scope exit; Close() reports the error close() may return (NFS, quota). */
class Fd {
  public:
    explicit Fd(int fd) noexcept : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int Get() const noexcept { return fd_; }
    int Close() noexcept {
        const int r = ::close(fd_);
        fd_ = -1;
        return r;
    }

  private:
    int fd_;
};

std::string DirectoryOf(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

StorageError::StorageError(int error, std::string path, const std::string& what)
    : std::runtime_error(what), errno_(error), path_(std::move(path)) {}

void WriteAtomically(const std::string& path, const std::string& content, unsigned mode) {
    /* A name of our own beside the target: rename() is atomic only within a file
     * system, and a fixed name would let two writers tear each other's file. */
    std::random_device random;
    const std::string temp = DirectoryOf(path) + "/." + path.substr(path.rfind('/') + 1) + ".tmp" +
                             std::to_string(random());
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                 static_cast<mode_t>(mode)));
    if (fd.Get() < 0) Fail(errno, path, "cannot create a temporary file for");
    const auto fail = [&](int error, const char* what) {
        ::unlink(temp.c_str());
        Fail(error, path, what);
    };
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd.Get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(errno, "cannot write");
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd.Get()) != 0) fail(errno, "cannot sync");
    if (fd.Close() != 0) fail(errno, "cannot write");
    if (::rename(temp.c_str(), path.c_str()) != 0) fail(errno, "cannot replace");
    /* The new name must reach the disk too, or a power cut could bring back the old
     * file after we said it was saved. */
    const std::string directory = DirectoryOf(path);
    Fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.Get() < 0 || ::fsync(dir.Get()) != 0) Fail(errno, directory, "cannot sync");
}

size_t RemoveStaleTemporaries(const std::string& directory) noexcept {
    DIR* dir = ::opendir(directory.c_str());
    if (!dir) return 0;
    size_t removed = 0;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        const size_t tmp = name.rfind(".tmp");
        if (name.size() < 2 || name[0] != '.' || tmp == std::string_view::npos || tmp == 0 ||
            tmp + 4 == name.size() ||
            name.find_first_not_of("0123456789", tmp + 4) != std::string_view::npos)
            continue;
        if (::unlinkat(::dirfd(dir), entry->d_name, 0) == 0) ++removed;
    }
    ::closedir(dir);
    return removed;
}

std::string ReadBounded(const std::string& path, size_t max_bytes, bool follow_symlinks) {
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat refuses it after. */
    const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow_symlinks ? 0 : O_NOFOLLOW);
    Fd fd(::open(path.c_str(), flags));
    if (fd.Get() < 0) Fail(errno == ELOOP && !follow_symlinks ? EPERM : errno, path, "cannot open");
    struct stat st {};
    if (::fstat(fd.Get(), &st) != 0) Fail(errno, path, "cannot stat");
    if (S_ISDIR(st.st_mode)) Fail(EISDIR, path, "cannot read");
    if (!S_ISREG(st.st_mode)) Fail(EINVAL, path, "not a regular file:");
    if (static_cast<unsigned long long>(st.st_size) > max_bytes) Fail(EFBIG, path, "too large:");
    std::string content;
    content.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    /* The file may change while we read: never past the bound, stop at its end. */
    for (;;) {
        if (done == content.size()) {
            if (content.size() >= max_bytes + 1) Fail(EFBIG, path, "too large:");
            content.resize(std::min(max_bytes + 1, content.size() + 4096));
        }
        const ssize_t n = ::read(fd.Get(), content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) Fail(errno, path, "cannot read");
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    if (done > max_bytes) Fail(EFBIG, path, "too large:");
    content.resize(done);
    return content;
}

void MakeDirectories(const std::string& path, unsigned mode) {
    if (path.empty()) return;
    for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        const std::string prefix = path.substr(0, slash);
        if (::mkdir(prefix.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST)
            Fail(errno, prefix, "cannot create the directory");
        if (slash == std::string::npos) break;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) Fail(errno, path, "cannot stat");
    if (!S_ISDIR(st.st_mode)) Fail(ENOTDIR, path, "cannot use");
}

}  // namespace State
