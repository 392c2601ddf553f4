// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The testbed's control socket: a Unix stream socket taking one command per line
 * from tests and answering each with one line, `ok [...]` or `error <why>`. It runs
 * on a thread of its own and changes the fake devices "from outside", as a front
 * panel or amixer would; the daemon sees the changes through the cards' eventfds.
 * A reply is written once the daemon's loop has handled the change (Settle()).
 */

#include <string>
#include <thread>
#include <vector>

#include "event/UniqueFd.hpp"
#include "tests/support/LoopBridge.hpp"
#include "tests/support/TestData.hpp"

class Instance;

namespace Testbed {

class CommandSocket {
  public:
    /** Binds and listens on @p path (a stale file is replaced). Throws std::system_error. */
    CommandSocket(const std::string& path, std::vector<TestData::Device>& devices,
                  Instance& instance, LoopBridge& bridge);
    ~CommandSocket();
    CommandSocket(const CommandSocket&) = delete;
    CommandSocket& operator=(const CommandSocket&) = delete;

    /** Starts serving on a new thread. */
    void Start();
    /** Stops the thread (waits for the command in progress) and removes the socket. */
    void Stop();

  private:
    /** One command line → one reply line, without '\n'. */
    std::string Execute(const std::string& line);
    void Serve() noexcept;
    TestData::Device& FindDevice(const std::string& id);

    std::string path_;
    std::vector<TestData::Device>& devices_;
    Instance& instance_;
    LoopBridge& bridge_;
    Event::UniqueFd listen_;
    Event::UniqueFd stop_;
    std::thread thread_;
};

}  // namespace Testbed
