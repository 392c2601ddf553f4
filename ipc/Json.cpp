// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Json.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ipc/Error.hpp"

namespace Ipc {

namespace {

/* The binary subtype marking an Encoded() value. */
constexpr std::uint8_t ENCODED = 0xE5;

bool IsEncoded(const nlohmann::json& value) noexcept {
    return value.is_binary() && value.get_binary().has_subtype() &&
           value.get_binary().subtype() == ENCODED;
}

/** The bytes of the Encoded() parts of @p value: most of what it encodes to, when it
 *  has any (a snapshot, a list), so that the text is written into one reservation. */
size_t EncodedBytes(const nlohmann::json& value) noexcept {
    if (value.is_binary()) return IsEncoded(value) ? value.get_binary().size() : 0;
    if (!value.is_structured()) return 0;
    size_t bytes = 0;
    for (const auto& child : value) bytes += EncodedBytes(child);
    return bytes;
}

bool HasEncoded(const nlohmann::json& value) noexcept {
    if (value.is_binary()) return IsEncoded(value);
    if (!value.is_structured()) return false;
    for (const auto& child : value)
        if (HasEncoded(child)) return true;
    return false;
}

std::string Dump(const nlohmann::json& value) {
    /* dump() escapes control characters, so indent -1 yields exactly one line. */
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/** As dump() would write it (members in key order), Encoded() parts as they are. */
void Write(std::string& out, const nlohmann::json& value) {
    if (IsEncoded(value)) {
        const auto& bytes = value.get_binary();
        out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    } else if (value.is_object()) {
        out += '{';
        bool first = true;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!first) out += ',';
            first = false;
            out += Dump(nlohmann::json(it.key()));
            out += ':';
            Write(out, it.value());
        }
        out += '}';
    } else if (value.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& element : value) {
            if (!first) out += ',';
            first = false;
            Write(out, element);
        }
        out += ']';
    } else {
        out += Dump(value);
    }
}

/** Encode() of a value with Encoded() parts, appended to @p out: a result's text is
 *  written where the response is, not made apart and copied (a snapshot is 60 to 400
 *  KiB; each copy of it, and each step of a string growing to it, was fresh heap to
 *  fault in). */
void AppendWithParts(std::string& out, const nlohmann::json& value) {
    /* The rest of such a value is keys and small members. */
    out.reserve(out.size() + EncodedBytes(value) + 1024);
    Write(out, value);
}

}  // namespace

nlohmann::json Encoded(std::string_view json_text) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(json_text.data());
    return nlohmann::json::binary(std::vector<std::uint8_t>(bytes, bytes + json_text.size()),
                                  ENCODED);
}

void AppendNumber(std::string& out, double number) {
    if (!std::isfinite(number)) {
        out += "null";
        return;
    }
    /* The serializer's own conversion (Grisu2, the same digits and form), from the
     * library's detail namespace (JsonTest holds it to the serializer's output); its
     * buffer is as large as the serializer's. */
    std::array<char, 64> text;
    char* end = nlohmann::detail::to_chars(text.data(), text.data() + text.size(), number);
    out.append(text.data(), static_cast<size_t>(end - text.data()));
}

std::string Encode(const nlohmann::json& value) {
    if (!HasEncoded(value)) return Dump(value);
    std::string out;
    AppendWithParts(out, value);
    return out;
}

/* The envelope is assembled by hand so that "jsonrpc" and "id" come first, as in the
 * protocol's examples; nlohmann::json would sort the members. */

std::string EncodeResponse(const nlohmann::json& id, const nlohmann::json& result) {
    std::string out = R"({"jsonrpc":"2.0","id":)";
    out += Encode(id);
    out += R"(,"result":)";
    if (HasEncoded(result))
        AppendWithParts(out, result);
    else
        out += Dump(result);
    out += '}';
    return out;
}

std::string EncodeErrorResponse(const nlohmann::json& id, const RpcError& error) {
    std::string out = R"({"jsonrpc":"2.0","id":)";
    out += Encode(id);
    out += R"(,"error":)";
    out += Encode(error.ToJson());
    out += '}';
    return out;
}

void AppendNotificationHead(std::string& out, std::string_view method,
                            std::span<EncodedMember> params) {
    std::sort(params.begin(), params.end(),
              [](const EncodedMember& a, const EncodedMember& b) { return a.key < b.key; });
    size_t size = 48 + method.size();
    for (const auto& member : params) size += member.key.size() + member.json.size() + 4;
    out.reserve(out.size() + size);
    out += R"({"jsonrpc":"2.0","method":)";
    /* The protocol's names need no escaping: written as they are, as the serializer
     * would (it ran once per notification per connection). Anything else is encoded. */
    const bool plain = std::all_of(method.begin(), method.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_';
    });
    if (plain)
        ((out += '"') += method) += '"';
    else
        out += Encode(nlohmann::json(method));
    out += R"(,"params":{)";
    for (size_t i = 0; i < params.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        out += params[i].key;
        out += "\":";
        out += params[i].json;
    }
}

NotificationTail::NotificationTail() noexcept : size_(2) {
    text_[0] = text_[1] = '}';
}

NotificationTail::NotificationTail(std::string_view key, uint64_t value) noexcept {
    assert(key.size() <= MAX_KEY);
    char* out = text_;
    *out++ = ',';
    *out++ = '"';
    out = std::copy(key.begin(), key.end(), out);
    *out++ = '"';
    *out++ = ':';
    out = std::to_chars(out, text_ + sizeof(text_), value).ptr;
    *out++ = '}';
    *out++ = '}';
    size_ = static_cast<size_t>(out - text_);
}

std::string EncodeNotification(std::string_view method, std::vector<EncodedMember> params) {
    std::string out;
    AppendNotificationHead(out, method, params);
    out += "}}";
    return out;
}

std::string EncodeNotification(std::string_view method, const nlohmann::json& params) {
    std::vector<std::string> values;
    values.reserve(params.size());
    std::vector<EncodedMember> members;
    members.reserve(params.size());
    for (const auto& [key, value] : params.items()) {
        values.push_back(Encode(value));
        members.push_back({key, values.back()});
    }
    return EncodeNotification(method, std::move(members));
}

}  // namespace Ipc
