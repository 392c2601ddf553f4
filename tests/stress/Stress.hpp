// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Helpers for the stress tests: a device with many controls plus a "probe" control
 * whose changes a fast client watches, and small measurements of this process
 * (the daemon runs in-process, on the Harness thread).
 */

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "Harness.hpp"

namespace Stress {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

inline const std::string DEV = "usb-1235-8215-P9ABCDEF";
/** Controls 1..MIX_COUNT are "Mix NNN Playback Volume"; the probe comes after them. */
inline constexpr unsigned MIX_COUNT = 200;
inline constexpr unsigned PROBE = MIX_COUNT + 1;

inline std::shared_ptr<TestData::FakeDevice> ManyControls() {
    std::vector<Alsa::Control> controls;
    for (unsigned numid = 1; numid <= MIX_COUNT; ++numid) {
        char name[64];
        std::snprintf(name, sizeof(name), "Mix %03u Playback Volume", numid);
        controls.push_back(TestData::MakeControl(numid, name, Alsa::ElemType::Integer, 1, {0}));
        controls.back().info.max = 1 << 30;
    }
    controls.push_back(
        TestData::MakeControl(PROBE, "Probe Playback Volume", Alsa::ElemType::Integer, 1, {0}));
    controls.back().info.max = 1 << 30;
    return std::make_shared<TestData::FakeDevice>(std::move(controls));
}

inline Alsa::Value Number(int64_t n) {
    Alsa::Value v;
    v.numbers = {n};
    return v;
}

/** Every mix control changes to a value derived from @p round. */
inline void ChangeAllMixes(TestData::FakeDevice& device, int round) {
    for (unsigned numid = 1; numid <= MIX_COUNT; ++numid)
        device.ExternalSet(numid, Number(static_cast<int64_t>(round) * 1000 + numid));
}

/** The value of @p numid in a controls.changed notification, if it has one. */
inline std::optional<int64_t> ValueIn(const json& notification, unsigned numid) {
    if (notification.value("method", "") != "controls.changed") return std::nullopt;
    std::optional<int64_t> found;
    for (const auto& c : notification["params"]["controls"])
        if (c["numid"] == numid) found = c["value"][0].get<int64_t>();
    return found;
}

/** Waits until @p client sees @p numid at @p value. @return the wait, or nullopt. */
inline std::optional<Clock::duration> AwaitValue(Cli::Client& client, unsigned numid, int64_t value,
                                                 int timeout_ms = 10000) {
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto n = client.NextNotification(static_cast<int>(left.count()) + 1);
        if (!n) break;
        if (ValueIn(*n, numid) == value) return Clock::now() - start;
    }
    return std::nullopt;
}

inline double Ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

/** Resident set size of this process in bytes, from /proc/self/statm. */
inline size_t ResidentBytes() {
    std::ifstream statm("/proc/self/statm");
    size_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

/** Bytes queued in the kernel for @p fd to read (FIONREAD), without reading them. */
inline size_t Queued(int fd) {
    int n = 0;
    REQUIRE(ioctl(fd, FIONREAD, &n) == 0);
    return static_cast<size_t>(n);
}

/** The daemon's client count, as daemon.info reports it to @p client. */
inline size_t ClientCount(Cli::Client& client) {
    const json info = client.Call("daemon.info");
    INFO(info.dump());
    REQUIRE(info.contains("result"));
    return info["result"]["clients"].get<size_t>();
}

/** Polls daemon.info until the count is @p expected. @return whether it got there. */
inline bool AwaitClientCount(Cli::Client& client, size_t expected, int timeout_ms = 10000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        if (ClientCount(client) == expected) return true;
        if (Clock::now() > deadline) return false;
        poll(nullptr, 0, 10);
    }
}

/** Asserts an error response: numeric code and stable data.code. */
inline json ExpectError(const json& response, int code, const std::string& data_code) {
    INFO(response.dump().substr(0, 2000));
    REQUIRE(response.contains("error"));
    CHECK(response["error"]["code"] == code);
    CHECK(response["error"]["data"]["code"] == data_code);
    return response["error"];
}

/** Whether this binary runs under AddressSanitizer (its quarantine inflates RSS). */
constexpr bool UNDER_ASAN =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

}  // namespace Stress
