// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/methods/Table.hpp"

#include "daemon/ClientSession.hpp"
#include "daemon/methods/Handlers.hpp"
#include "ipc/Error.hpp"

namespace Methods {

namespace {

using Json = nlohmann::json;

Json Ref(const char* name) {
    return {{"$ref", std::string("#/components/schemas/") + name}};
}
Json Array(Json items) {
    return {{"type", "array"}, {"items", std::move(items)}};
}
Json Type(const char* t) {
    return {{"type", t}};
}

const Json DEVICE_PARAM = {{"type", "string"}};
const Json CONTROL_REF = Ref("ControlRef");

std::vector<MethodSpec> Build() {
    const ParamSpec device{"device", false, DEVICE_PARAM,
                           "a device id; may be omitted when exactly one device is known"};
    return {
        {"daemon.info",
         &DaemonInfo,
         "Name, version, protocol, pid, uptime, counts.",
         {},
         Ref("DaemonInfo"),
         {}},
        {"rpc.discover", &Discover, "This OpenRPC document.", {}, Type("object"), {}},
        {"devices.list",
         &DevicesList,
         "Every known device, online or not.",
         {},
         {{"type", "object"},
          {"properties", {{"seq", Type("integer")}, {"devices", Array(Ref("Device"))}}}},
         {}},
        {"devices.configure",
         &DevicesConfigure,
         "A device's nickname and what happens when it is plugged in; members given replace "
         "those stored. The device may be offline.",
         {device,
          {"nickname", false, {{"type", {"string", "null"}}}, "at most 128 bytes; null clears"},
          {"on_attach", false, Ref("OnAttach"), "restore (off, last, preset), preset, set"}},
         {{"type", "object"}, {"properties", {{"device", Ref("Device")}}}},
         {"device.not_found", "value.invalid", "preset.not_found", "storage.error"},
         true},
        {"controls.list",
         &ControlsList,
         "A device's controls in full form.",
         {device,
          {"match", false, Type("string"), "shell glob on control names"},
          {"iface", false, Type("string"), "card, mixer, pcm, ... or any"}},
         Ref("ControlsResult"),
         {"device.not_found", "device.offline"}},
        {"controls.get",
         &ControlsGet,
         "Some controls of a device in full form.",
         {device, {"controls", true, Array(CONTROL_REF), "control references"}},
         Ref("ControlsResult"),
         {"device.not_found", "device.offline", "control.not_found"}},
        {"controls.set",
         &ControlsSet,
         "Validates every change, then writes them in order and reads them back.",
         {device,
          {"changes", true, Array(Ref("Change")), "what to change"},
          {"dry_run", false, Type("boolean"), "validate only"}},
         Ref("ControlsResult"),
         {"device.not_found", "device.offline", "control.not_found", "control.read_only",
          "value.invalid", "alsa.error", "device.busy"},
         true},
        {"presets.list",
         &PresetsList,
         "Preset files (alsa-scarlett-gui's format and directory): a device's, or all.",
         {{"device", false, DEVICE_PARAM, "a device id, online or not; omitted: every preset"}},
         {{"type", "object"}, {"properties", {{"presets", Array(Ref("Preset"))}}}},
         {"device.not_found", "storage.error"}},
        {"presets.save",
         &PresetsSave,
         "Saves the device's writable, non-volatile controls as a preset, atomically.",
         {device,
          {"name", true, Type("string"),
           "1-64 of letters, digits, space, _ . -; not starting with ."},
          {"match", false, Array(Type("string")), "shell globs: only the controls they match"},
          {"overwrite", false, Type("boolean"), "replace an existing preset (default false)"}},
         {{"type", "object"}, {"properties", {{"preset", Ref("Preset")}}}},
         {"device.not_found", "device.offline", "preset.exists", "storage.error"},
         true},
        {"presets.load",
         &PresetsLoad,
         "Applies a preset (or a .conf or alsactl .state file) in passes; unknown names are "
         "skipped and listed.",
         {device,
          {"name", false, Type("string"), "a preset of this device"},
          {"file", false, Type("string"), "an absolute path to a .conf or .state file"},
          {"dry_run", false, Type("boolean"), "count what would change, write nothing"}},
         Ref("LoadResult"),
         {"device.not_found", "device.offline", "preset.not_found", "preset.invalid",
          "storage.error", "device.busy"},
         true},
        {"presets.diff",
         &PresetsDiff,
         "The controls whose value differs from a preset's (preset encoding).",
         {device,
          {"name", false, Type("string"), "a preset of this device"},
          {"file", false, Type("string"), "an absolute path to a .conf or .state file"}},
         {{"type", "object"},
          {"properties",
           {{"device", Type("string")},
            {"seq", Type("integer")},
            {"differences", Array({{"type", "object"},
                                   {"properties",
                                    {{"name", Type("string")},
                                     {"preset", Type("string")},
                                     {"current", Type("string")}}}})},
            {"skipped", Array(Ref("Skipped"))}}}},
         {"device.not_found", "device.offline", "preset.not_found", "preset.invalid",
          "storage.error"}},
        {"presets.delete",
         &PresetsDelete,
         "Removes a preset of the device.",
         {device, {"name", true, Type("string"), "the preset"}},
         Type("object"),
         {"device.not_found", "preset.not_found", "storage.error"},
         true},
        {"subscribe",
         &Subscribe,
         "Starts notifications (coalesced: latest values), optionally with a snapshot.",
         {{"devices", false, Array(Type("string")), "device ids (default: all, also later ones)"},
          {"controls", false, Array(Type("string")), "shell globs on control names"},
          {"topics", false, Array({{"enum", {"values", "info", "structure", "devices"}}}),
           "default: all"},
          {"snapshot", false, Type("boolean"), "include the current state (default true)"}},
         {{"type", "object"},
          {"properties",
           {{"subscription", Type("integer")},
            {"seq", Type("integer")},
            {"snapshot", Type("object")}}}},
         {"limit.exceeded"}},
        {"unsubscribe",
         &Unsubscribe,
         "Ends a subscription (also a meter one).",
         {{"subscription", true, Type("integer"), "its id"}},
         Type("object"),
         {}},
        {"meters.subscribe",
         &MetersSubscribe,
         "Polls the device's Level Meter at rate_hz while subscribed; sends meters notifications.",
         {device,
          {"rate_hz", false, {{"type", "integer"}, {"minimum", 1}, {"maximum", 60}}, "default 20"}},
         {{"type", "object"},
          {"properties",
           {{"subscription", Type("integer")},
            {"labels", Array(Type("string"))},
            {"labels_from", Json::object({{"enum", Json::array({"tlv", "routing"})}})}}}},
         {"device.not_found", "device.offline", "control.not_found", "limit.exceeded"}},
    };
}

Json Schemas() {
    Json control = {
        {"type", "object"},
        {"required",
         {"numid", "iface", "name", "index", "type", "count", "access", "writable", "value"}},
        {"properties",
         {{"numid", Type("integer")},
          {"iface",
           {{"enum",
             {"card", "hwdep", "mixer", "pcm", "rawmidi", "timer", "sequencer", "daemon"}}}},
          {"name", Type("string")},
          {"index", Type("integer")},
          {"type",
           {{"enum",
             {"boolean", "integer", "integer64", "enumerated", "bytes", "iec958", "text"}}}},
          {"count", Type("integer")},
          {"access", Array(Type("string"))},
          {"writable", Type("boolean")},
          {"min", Type("integer")},
          {"max", Type("integer")},
          {"step", Type("integer")},
          {"db", Type("object")},
          {"items", Array(Type("string"))},
          {"value", Type("array")},
          {"db_value", Array({{"type", {"number", "null"}}})},
          {"info_changed", Type("boolean")},
          {"not_writable",
           {{"type", "object"},
            {"required", {"reason", "message"}},
            {"properties",
             {{"reason",
               {{"enum",
                 {"hardware_control", "speaker_switching", "autogain", "locked", "inactive",
                  "read_only"}}}},
              {"message", Type("string")},
              {"control", Type("string")}}}}}}}};
    return {
        {"Control", control},
        {"ControlRef",
         {{"oneOf",
           {Type("integer"),
            Type("string"),
            {{"type", "object"},
             {"properties",
              {{"numid", Type("integer")},
               {"name", Type("string")},
               {"index", Type("integer")},
               {"iface", Type("string")}}}}}}}},
        {"Change",
         {{"type", "object"},
          {"required", {"control"}},
          {"properties",
           {{"control", CONTROL_REF},
            {"value", Json::object()},
            {"db", Json::object()},
            {"step", Json::object()},
            {"db_step", Json::object()},
            {"toggle", Type("boolean")}}}}},
        {"Device",
         {{"type", "object"},
          {"properties",
           {{"id", Type("string")},
            {"online", Type("boolean")},
            {"card", {{"type", {"integer", "null"}}}},
            {"ctl", {{"type", {"string", "null"}}}},
            {"name", Type("string")},
            {"longname", Type("string")},
            {"model", {{"type", {"string", "null"}}}},
            {"family", {{"enum", {"gen1", "scarlett2", "fcp", "other"}}}},
            {"usb", {{"type", {"object", "null"}}}},
            {"firmware", {{"type", {"object", "null"}}}},
            {"controls", Type("integer")},
            {"nickname", {{"type", {"string", "null"}}}},
            {"settings",
             {{"type", "object"},
              {"properties",
               {{"nickname", {{"type", {"string", "null"}}}},
                {"on_attach", Ref("OnAttach")}}}}}}}}},
        {"OnAttach",
         {{"type", "object"},
          {"properties",
           {{"restore", {{"enum", {"off", "last", "preset"}}}},
            {"preset", {{"type", {"string", "null"}}}},
            {"set",
             Array({{"type", "object"},
                    {"required", {"match", "value"}},
                    {"properties", {{"match", Type("string")}, {"value", Json::object()}}}})}}}}},
        {"ControlsResult",
         {{"type", "object"},
          {"properties",
           {{"device", Type("string")},
            {"seq", Type("integer")},
            {"controls", Array(Ref("Control"))}}}}},
        {"Preset",
         {{"type", "object"},
          {"properties",
           {{"name", Type("string")},
            {"serial", Type("string")},
            {"model", {{"type", {"string", "null"}}}},
            {"controls", Type("integer")},
            {"modified", {{"type", "string"}, {"format", "date-time"}}}}}}},
        {"Skipped",
         {{"type", "object"},
          {"properties", {{"name", Type("string")}, {"reason", Type("string")}}}}},
        {"LoadResult",
         {{"type", "object"},
          {"properties",
           {{"device", Type("string")},
            {"seq", Type("integer")},
            {"dry_run", Type("boolean")},
            {"applied", Type("integer")},
            {"unchanged", Type("integer")},
            {"skipped", Array(Ref("Skipped"))},
            {"warnings", Array(Type("string"))}}}}},
        {"DaemonInfo",
         {{"type", "object"},
          {"properties",
           {{"warnings", Array({{"type", "object"},
                                {"required", {"code", "message"}},
                                {"properties",
                                 {{"code", Type("string")},
                                  {"device", Type("string")},
                                  {"message", Type("string")},
                                  {"fix", Type("string")}}}})}}}}},
    };
}

Json Notification(const char* name, const char* summary, Json params) {
    Json list = Json::array();
    for (auto& [key, schema] : params.items()) list.push_back({{"name", key}, {"schema", schema}});
    return {{"name", name}, {"summary", summary}, {"params", std::move(list)}};
}

}  // namespace

const std::vector<MethodSpec>& GetMethods() {
    static const std::vector<MethodSpec> methods = Build();
    return methods;
}

const MethodSpec* FindMethod(std::string_view name) {
    for (const auto& m : GetMethods())
        if (name == m.name) return &m;
    return nullptr;
}

Json MakeOpenRpcDocument(const std::string& version) {
    static constexpr Ipc::ErrorCode ALL[] = {
        Ipc::ErrorCode::ParseError,      Ipc::ErrorCode::InvalidRequest,
        Ipc::ErrorCode::RequestTooLarge, Ipc::ErrorCode::MethodNotFound,
        Ipc::ErrorCode::ParamsInvalid,   Ipc::ErrorCode::Internal,
        Ipc::ErrorCode::DeviceNotFound,  Ipc::ErrorCode::DeviceOffline,
        Ipc::ErrorCode::ControlNotFound, Ipc::ErrorCode::ControlReadOnly,
        Ipc::ErrorCode::ValueInvalid,    Ipc::ErrorCode::AlsaError,
        Ipc::ErrorCode::LimitExceeded,   Ipc::ErrorCode::DeviceBusy,
        Ipc::ErrorCode::AccessDenied,    Ipc::ErrorCode::PresetNotFound,
        Ipc::ErrorCode::PresetInvalid,   Ipc::ErrorCode::StorageError,
        Ipc::ErrorCode::PresetExists};
    Json errors = Json::array();
    auto error_object = [](Ipc::ErrorCode code) {
        return Json{{"code", Ipc::NumericCode(code)},
                    {"message", Ipc::DefaultMessage(code)},
                    {"data", {{"code", Ipc::DataCode(code)}}}};
    };
    for (auto code : ALL) errors.push_back(error_object(code));

    Json methods = Json::array();
    for (const auto& m : GetMethods()) {
        Json params = Json::array();
        for (const auto& p : m.params)
            params.push_back({{"name", p.name},
                              {"required", p.required},
                              {"description", p.description},
                              {"schema", p.schema}});
        Json method_errors = Json::array();
        for (const char* data_code : m.errors)
            for (auto code : ALL)
                if (std::string_view(Ipc::DataCode(code)) == data_code)
                    method_errors.push_back(error_object(code));
        methods.push_back({{"name", m.name},
                           {"summary", m.summary},
                           {"paramStructure", "by-name"},
                           {"params", std::move(params)},
                           {"result", {{"name", "result"}, {"schema", m.result_schema}}},
                           {"errors", std::move(method_errors)}});
    }

    const Json base = {{"subscription", Type("integer")}, {"seq", Type("integer")}};
    auto with = [&](Json extra) {
        Json p = base;
        p.update(extra);
        return p;
    };
    Json notifications = Json::array({
        Notification("controls.changed",
                     "Latest values (or full form with info_changed) of changed controls.",
                     with({{"device", Type("string")}, {"controls", Array(Ref("Control"))}})),
        Notification("controls.added", "Controls that appeared.",
                     with({{"device", Type("string")}, {"controls", Array(Ref("Control"))}})),
        Notification("controls.removed", "Controls that went away: numid, name, index.",
                     with({{"device", Type("string")}, {"controls", Array(Type("object"))}})),
        Notification("device.added", "A device came online (again, under the same id).",
                     with({{"device", Ref("Device")}})),
        Notification("device.removed", "A device went offline; it keeps its id.",
                     with({{"device", Ref("Device")}})),
        Notification("device.restored",
                     "Topic devices: the restore on attach and the guards were written (after "
                     "device.added and the controls.changed they caused).",
                     with({{"device", Type("string")},
                           {"restore", {{"enum", {"off", "last", "preset"}}}},
                           {"preset", Type("string")},
                           {"applied", Type("integer")},
                           {"skipped", Array(Ref("Skipped"))}})),
        Notification("meters", "Level meter readings: dBFS (null = silence) and raw 0..4095.",
                     {{"subscription", Type("integer")},
                      {"device", Type("string")},
                      {"levels", Array({{"type", {"number", "null"}}})},
                      {"raw", Array(Type("integer"))}}),
        Notification("snapshot", "Events socket only: first message, all devices and controls.",
                     {{"seq", Type("integer")},
                      {"devices", Array(Ref("Device"))},
                      {"controls", Type("object")}}),
    });

    return {{"openrpc", "1.2.6"},
            {"info",
             {{"title", "scarlettd"},
              {"version", version},
              {"description",
               "Focusrite mixer control, protocol v1 (JSON-RPC 2.0, one message per line)"}}},
            {"methods", std::move(methods)},
            {"components", {{"schemas", Schemas()}}},
            {"x-notifications", std::move(notifications)},
            {"x-errors", std::move(errors)}};
}

Json Dispatch(Context& context, ClientSession& session, const std::string& method,
              const Json& params) {
    const MethodSpec* spec = FindMethod(method);
    /* A flood of requests from clients that close at once must not cost a snapshot
     * each: without a reader only a write is worth running. */
    if (spec && !spec->acts && session.GetConnection().IsPeerGone()) return nullptr;
    if (!spec)
        throw Ipc::RpcError(Ipc::ErrorCode::MethodNotFound, "unknown method '" + method + "'",
                            {{"method", method}});
    /* The table that rpc.discover publishes is also what is accepted here. */
    if (!params.is_object()) throw Ipc::ParamsInvalid("params", "params must be an object");
    for (const auto& [key, value] : params.items()) {
        bool known = false;
        for (const auto& p : spec->params) known = known || key == p.name;
        if (!known) throw Ipc::ParamsInvalid(key, "unknown parameter '" + key + "' of " + method);
    }
    for (const auto& p : spec->params)
        if (p.required && !params.contains(p.name))
            throw Ipc::ParamsInvalid(p.name, std::string("missing parameter '") + p.name + "'");
    return spec->function(context, session, params);
}

}  // namespace Methods
