// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace Ipc {

struct RpcError;

/**
 * Compact JSON for the wire: one line, never a raw newline. Invalid UTF-8 in strings
 * (ALSA names are raw bytes) is replaced by U+FFFD instead of throwing.
 */
std::string Encode(const nlohmann::json& value);

/** Appends @p number as Encode() writes a double (null when not finite), without a
 *  tree or an allocation: a dB value per change. */
void AppendNumber(std::string& out, double number);

/**
 * A value already encoded (by Encode()), to be put into a larger result: Encode()
 * writes its text as it is instead of encoding it again. A result made of many such
 * parts (the controls of a controls.list, a snapshot) costs a copy of each, not a
 * tree built and dumped per request. Held as a binary node, which parsed input
 * never contains; only Encode() understands it.
 */
nlohmann::json Encoded(std::string_view json_text);

/** {"jsonrpc":"2.0","id":<id>,"result":<result>}, members in this order. */
std::string EncodeResponse(const nlohmann::json& id, const nlohmann::json& result);

/** {"jsonrpc":"2.0","id":<id>,"error":<error.ToJson()>}; @p id is null when unknown. */
std::string EncodeErrorResponse(const nlohmann::json& id, const RpcError& error);

/** A member of a notification's params whose value is already encoded JSON. The key
 *  is a plain name of the protocol's (letters, '_'), written as it is. */
struct EncodedMember {
    std::string_view key;
    std::string_view json;
};

/**
 * {"jsonrpc":"2.0","method":<method>,"params":{...}}: a daemon → client notification,
 * the one encoder of them all. The members are written sorted by key, as
 * nlohmann::json orders an object's, so a value encoded once (the same controls for
 * many subscribers) is shared byte for byte. Members are copied: the views need only
 * live through the call.
 */
std::string EncodeNotification(std::string_view method, std::vector<EncodedMember> params);
/** EncodeNotification() without its closing "}}", appended to @p out (@p params sorted
 *  in place): the part many subscribers share. Each then writes the members of its own
 *  that sort after these (`,"subscription":N`) and "}}". */
void AppendNotificationHead(std::string& out, std::string_view method,
                            std::span<EncodedMember> params);
/** What ends a notification after AppendNotificationHead(): `,"<key>":<value>}}`, or
 *  `}}` with no member; written in place, no allocation (one per subscriber per change). */
class NotificationTail {
  public:
    NotificationTail() noexcept;
    /** @p key: a plain name of at most MAX_KEY bytes. */
    NotificationTail(std::string_view key, uint64_t value) noexcept;
    std::string_view View() const noexcept { return {text_, size_}; }
    operator std::string_view() const noexcept { return View(); }

    static constexpr size_t MAX_KEY = 16;

  private:
    /* `,"` key `":` 20 digits `}}` */
    char text_[MAX_KEY + 26];
    size_t size_ = 0;
};
/** The same from a params object (each member encoded with Encode()). */
std::string EncodeNotification(std::string_view method, const nlohmann::json& params);

}  // namespace Ipc
