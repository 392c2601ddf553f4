// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/server/Tool.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "event/UniqueFd.hpp"
#include "sim/SimDir.hpp"

namespace Sim {

namespace {

constexpr int ANSWER_TIMEOUT_MS = 5000;

/* (error, text); error -ECONNREFUSED/-ENOENT when nothing listens, -ETIMEDOUT when mute. */
std::pair<int, std::string> Ask(const std::string& path, Wire::Op op, const std::string& text) {
    const int connected = Wire::ConnectTo(path);
    if (connected < 0) return {connected, {}};
    Event::UniqueFd fd(connected);
    Wire::ToolRequest request;
    request.op = op;
    std::vector<std::byte> out(sizeof(request) + text.size());
    std::memcpy(out.data(), &request, sizeof(request));
    std::memcpy(out.data() + sizeof(request), text.data(), text.size());
    if (const int error = Wire::SendMessage(fd.Get(), out); error < 0) return {error, {}};
    pollfd ready{fd.Get(), POLLIN, 0};
    if (::poll(&ready, 1, ANSWER_TIMEOUT_MS) <= 0) return {-ETIMEDOUT, {}};
    std::vector<std::byte> answer;
    const long got = Wire::ReceiveMessage(fd.Get(), answer);
    if (got < static_cast<long>(sizeof(Wire::ReplyMessage)))
        return {got < 0 ? static_cast<int>(got) : -EPIPE, {}};
    Wire::ReplyMessage reply;
    std::memcpy(&reply, answer.data(), sizeof(reply));
    return {reply.error, Wire::ReplyText(answer)};
}

}  // namespace

std::vector<RunningSimulator> ListSimulators() {
    std::vector<RunningSimulator> found;
    const auto dir = SimDir();
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".ctl") continue;
        const std::string name = entry.path().stem().string();
        if (!IsValidInstanceName(name)) continue;
        const auto [error, info] = Ask(entry.path().string(), Wire::Op::Info, {});
        if (error == 0) found.push_back({name, info});
    }
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return found;
}

std::pair<int, std::string> AskSimulator(const std::string& name, Wire::Op op,
                                         const std::string& text) {
    const auto path = ControlSocketPath(name).string();
    const auto answer = Ask(path, op, text);
    if (answer.first == -ENOENT || answer.first == -ECONNREFUSED)
        throw std::runtime_error("no simulator named " + name +
                                 " is running; start one with: scarlett-sim serve MODEL");
    if (answer.first == -ETIMEDOUT)
        throw std::runtime_error("the simulator " + name + " does not answer");
    if (answer.first < 0 && answer.second.empty())
        throw std::runtime_error("simulator " + name + ": " + std::strerror(-answer.first));
    return answer;
}

std::string InfoField(const std::string& info, const std::string& key) {
    std::istringstream lines(info);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(key + " ", 0) == 0) return line.substr(key.size() + 1);
    return {};
}

}  // namespace Sim
