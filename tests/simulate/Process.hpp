// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Child processes for the host-level tests: the real scarlettd and scarlett-sim
 * binaries, started with their own environment, readiness taken from sd_notify
 * (NOTIFY_SOCKET) instead of sleeps, killed and reaped at scope exit.
 */

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace SimTest {

/** A private directory removed at scope exit. */
class TempDir {
  public:
    TempDir() {
        std::string pattern = std::filesystem::temp_directory_path() / "scarlettd-simtest-XXXXXX";
        REQUIRE(mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& Path() const { return path_; }

  private:
    std::string path_;
};

/** An AF_UNIX datagram socket standing in for systemd's notify socket. */
class NotifySocket {
  public:
    explicit NotifySocket(const std::string& path) : path_(path) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof(addr.sun_path));
        std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
        REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    }
    ~NotifySocket() { close(fd_); }
    const std::string& Path() const { return path_; }

    /** Waits for a datagram containing @p word (e.g. "READY=1"). */
    bool Await(const std::string& word, int timeout_ms = 20000) {
        pollfd pfd{fd_, POLLIN, 0};
        while (poll(&pfd, 1, timeout_ms) > 0) {
            char buffer[4096];
            const ssize_t n = recv(fd_, buffer, sizeof(buffer) - 1, 0);
            if (n <= 0) return false;
            buffer[n] = '\0';
            if (std::strstr(buffer, word.c_str())) return true;
        }
        return false;
    }

  private:
    std::string path_;
    int fd_ = -1;
};

/** A running program; SIGTERM and reaped when destroyed. */
class Process {
  public:
    Process(std::vector<std::string> argv, const std::map<std::string, std::string>& env) {
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            execvp(args[0], args.data());
            _exit(127);
        }
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process() { Stop(); }

    /** SIGTERM and wait (SIGKILL after 20 s: a hung child must not hang the test);
     *  @return the exit status as waitpid gives it. */
    int Stop() {
        if (pid_ <= 0) return status_;
        kill(pid_, SIGTERM);
        for (int i = 0; i < 200 && waitpid(pid_, &status_, WNOHANG) == 0; ++i) usleep(100'000);
        if (waitpid(pid_, &status_, WNOHANG) == 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status_, 0);
        }
        pid_ = -1;
        return status_;
    }
    pid_t Pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    int status_ = 0;
};

/** Runs a program to completion; @return its exit code and standard output. */
inline std::pair<int, std::string> Run(std::vector<std::string> argv,
                                       const std::map<std::string, std::string>& env) {
    int out[2];
    REQUIRE(pipe2(out, O_CLOEXEC) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(out[1], 2);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(out[1]);
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = read(out[0], buffer, sizeof(buffer))) > 0)
        text.append(buffer, static_cast<size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

}  // namespace SimTest
