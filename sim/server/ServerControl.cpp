// SPDX-License-Identifier: GPL-3.0-or-later
/* The control socket NAME.ctl: hardware actions, the action list, info, the hardware's
 * differences from the driver, power-cycle, unplug and replug. */

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sstream>

#include "sim/server/Server.hpp"
#include "sim/server/ServerConnections.hpp"

namespace Sim {

void Server::OnToolAccept() noexcept {
    for (;;) {
        Event::UniqueFd fd(
            ::accept4(control_fd_.Get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) return;
        auto tool = std::make_unique<Tool>(loop_, *this);
        tool->fd = std::move(fd);
        if (!tool->watch.Open(tool->fd.Get(), EPOLLIN)) continue;
        tools_.push_back(std::move(tool));
    }
}

void Server::OnToolRequest(Tool& tool) noexcept {
    if (tool.dead) return;
    std::vector<std::byte> message;
    const long got = Wire::ReceiveMessage(tool.fd.Get(), message, nullptr, MSG_DONTWAIT);
    if (got == -EAGAIN) return;
    if (got < static_cast<long>(sizeof(Wire::ToolRequest))) {
        tool.dead = true;
        tool.watch.Cancel();
        tool.fd.Reset();
        reap_.Schedule();
        return;
    }
    Wire::ToolRequest request;
    std::memcpy(&request, message.data(), sizeof(request));
    const std::string text(reinterpret_cast<const char*>(message.data()) + sizeof(request),
                           message.size() - sizeof(request));
    std::pair<int, std::string> result;
    try {
        result = HandleTool(request.op, text);
    } catch (const std::exception& error) {
        result = {-EINVAL, error.what()};
    }
    Wire::ReplyMessage reply;
    reply.error = result.first;
    std::vector<std::byte> out(sizeof(reply) + result.second.size());
    std::memcpy(out.data(), &reply, sizeof(reply));
    std::memcpy(out.data() + sizeof(reply), result.second.data(),
                std::min(result.second.size(), Wire::MAX_MESSAGE - sizeof(reply)));
    out.resize(std::min(out.size(), Wire::MAX_MESSAGE));
    (void)Wire::SendMessage(tool.fd.Get(), out);
}

std::pair<int, std::string> Server::HandleTool(Wire::Op op, const std::string& text) {
    switch (op) {
        case Wire::Op::Act: {
            if (!plugged_) return {-ENODEV, "the device is unplugged (scarlett-sim replug)"};
            std::vector<std::string> words;
            std::istringstream lines(text);
            for (std::string word; std::getline(lines, word, '\n');)
                if (!word.empty()) words.push_back(word);
            /* What the action changed, not how many events the driver sends for it (a
             * dim press notifies every monitor volume, changed or not). */
            const size_t count = device_.Definition().controls.size();
            std::vector<ControlState> before;
            before.reserve(count);
            for (size_t i = 0; i < count; ++i) before.push_back(device_.State(i));
            std::vector<DeviceEvent> events;
            try {
                device_.Act(words, SimClock::now(), events);
            } catch (const ActionError& error) {
                return {-EINVAL, error.what()};
            }
            Publish(events);
            RescheduleDeadline();
            std::set<size_t> changed;
            for (const auto& e : events) {
                const ControlState& now = device_.State(e.index);
                const ControlState& was = before[e.index];
                if (now.values != was.values || now.bytes != was.bytes ||
                    now.readable != was.readable || now.writable != was.writable)
                    changed.insert(e.index);
            }
            std::ostringstream out;
            out << changed.size()
                << (changed.size() == 1 ? " control changed" : " controls changed");
            return {0, out.str()};
        }
        case Wire::Op::Actions: {
            std::string out;
            for (const auto& line : device_.ActionHelp()) out += line + "\n";
            return {0, out};
        }
        case Wire::Op::Info:
            return {0, Info()};
        case Wire::Op::Hardware:
            return {0, device_.HardwareReport()};
        case Wire::Op::PowerCycle: {
            if (!plugged_) return {-ENODEV, "the device is unplugged (scarlett-sim replug)"};
            std::vector<DeviceEvent> events;
            try {
                device_.PowerCycle(events);
            } catch (const ActionError& error) {
                return {-EINVAL, error.what()};
            }
            Publish(events);
            // What clients read has not changed: say what the device lost.
            const std::size_t lost = device_.HardwareDifferences().size();
            return {0, "power-cycled: " + std::to_string(lost) +
                           (lost == 1 ? " difference" : " differences")};
        }
        case Wire::Op::Unplug:
            if (!plugged_) return {-EALREADY, "already unplugged"};
            Unplug();
            return {0, "unplugged"};
        case Wire::Op::Replug:
            if (plugged_) return {-EALREADY, "already plugged in"};
            Listen();
            return {0, "plugged in"};
        default:
            return {-EINVAL, "unknown request"};
    }
}

std::string Server::Info() const {
    std::size_t live = 0;
    for (const auto& client : clients_) live += client->dead ? 0 : 1;
    std::ostringstream out;
    out << "name " << options_.name << "\n"
        << "model " << (options_.model_id.empty() ? "-" : options_.model_id) << "\n"
        << "card " << options_.card_name << "\n"
        << "plugged " << (plugged_ ? "yes" : "no") << "\n"
        << "clients " << live << "\n"
        << "requests " << requests_ << "\n"
        << "pid " << ::getpid() << "\n";
    return out.str();
}

}  // namespace Sim
