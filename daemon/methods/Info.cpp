// SPDX-License-Identifier: GPL-3.0-or-later
#include <unistd.h>

#include "daemon/JsonCodec.hpp"
#include "daemon/RestoreWarnings.hpp"
#include "daemon/methods/Handlers.hpp"
#include "daemon/methods/Table.hpp"
#include "generated/Version.hpp"
#include "ipc/Server.hpp"

namespace Methods {

Json DaemonInfo(Context& context, ClientSession&, const Json&) {
    const auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - context.started);
    return {{"name", "scarlettd"},
            {"version", SCARLETTD_VERSION},
            {"protocol", {{"major", 1}, {"minor", 1}}},
            {"pid", getpid()},
            {"uptime_ms", uptime.count()},
            {"devices", context.cache.GetDevices().size()},
            {"clients", context.server ? context.server->GetClientCount() : 0},
            {"capabilities",
             {"controls", "subscribe", "events-socket", "batch", "meters", "rpc.discover",
              "presets", "on_attach", "daemon_controls"}},
            {"warnings", context.warnings.ToJson(context.cache)}};
}

Json Discover(Context&, ClientSession&, const Json&) {
    return MakeOpenRpcDocument(SCARLETTD_VERSION);
}

Json DevicesList(Context& context, ClientSession&, const Json&) {
    Json list = Json::array();
    for (const auto& [id, device] : context.cache.GetDevices())
        list.push_back(Codec::DeviceToJson(device));
    return {{"seq", context.cache.GetSeq()}, {"devices", std::move(list)}};
}

}  // namespace Methods
