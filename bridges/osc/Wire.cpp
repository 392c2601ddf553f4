// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/osc/Wire.hpp"

#include <lo/lo.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>

namespace Osc {

namespace {

constexpr char BUNDLE_TAG[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};
/* "#bundle\0" and the 8-byte time tag. */
constexpr size_t BUNDLE_HEADER = 16;

struct MessageFree {
    void operator()(lo_message m) const noexcept { lo_message_free(m); }
};
using MessagePtr = std::unique_ptr<std::remove_pointer_t<lo_message>, MessageFree>;

Arg ToArg(char type, const lo_arg* value) {
    switch (type) {
        case 'i':
            return Arg::Int(value->i);
        case 'f':
            return Arg::Float(value->f);
        case 's':
            return Arg::String(&value->s);
        case 'S':
            return Arg::String(&value->S);
        case 'T':
        case 'F':
            return Arg::Bool(type == 'T');
        case 'h':
            if (value->h >= std::numeric_limits<int32_t>::min() &&
                value->h <= std::numeric_limits<int32_t>::max())
                return Arg::Int(static_cast<int32_t>(value->h));
            break;
        case 'd':
            if (std::isfinite(value->d) && std::fabs(value->d) <= std::numeric_limits<float>::max())
                return Arg::Float(static_cast<float>(value->d));
            break;
        default:
            break;
    }
    Arg other;
    other.type = type;
    return other;
}

const char* LibloReason(int result) {
    switch (result) {
        case LO_EINVALIDPATH:
            return "the address is not a padded OSC string";
        case LO_ENOTYPE:
            return "no type tag string";
        case LO_EINVALIDTYPE:
        case LO_EBADTYPE:
            return "the type tag string is malformed or has an unknown type";
        case LO_EINVALIDARG:
            return "an argument does not match its type tag";
        case LO_ESIZE:
            return "the arguments do not fill the message exactly";
        default:
            return "not an OSC message";
    }
}

class Decoder {
  public:
    Datagram Take() { return std::move(out_); }

    void Element(const unsigned char* data, size_t size, size_t depth) {
        if (out_.messages.size() >= MAX_MESSAGES)
            return Fail("more than 64 messages in one datagram");
        if (size >= sizeof(BUNDLE_TAG) && std::memcmp(data, BUNDLE_TAG, sizeof(BUNDLE_TAG)) == 0)
            return Bundle(data, size, depth + 1);
        if (size % 4 != 0) return Fail("its size is not a multiple of 4");
        int result = 0;
        /* lo_message_deserialise copies what it keeps and never writes to its input. */
        MessagePtr m(lo_message_deserialise(const_cast<unsigned char*>(data), size, &result));
        if (!m) return Fail(LibloReason(result));
        Message message;
        message.address = reinterpret_cast<const char*>(data);
        if (message.address.empty() || message.address[0] != '/')
            return Fail("the address does not start with /");
        const char* types = lo_message_get_types(m.get());
        lo_arg** argv = lo_message_get_argv(m.get());
        const int argc = lo_message_get_argc(m.get());
        for (int i = 0; i < argc; ++i) message.args.push_back(ToArg(types[i], argv[i]));
        out_.messages.push_back(std::move(message));
    }

  private:
    void Bundle(const unsigned char* data, size_t size, size_t depth) {
        if (depth > MAX_BUNDLE_DEPTH) return Fail("bundles nested more than 8 deep");
        if (size < BUNDLE_HEADER) return Fail("a bundle without its time tag");
        size_t at = BUNDLE_HEADER;
        while (at < size) {
            if (size - at < 4) return Fail("a bundle element's size is cut off");
            const uint32_t length = (uint32_t{data[at]} << 24) | (uint32_t{data[at + 1]} << 16) |
                                    (uint32_t{data[at + 2]} << 8) | uint32_t{data[at + 3]};
            at += 4;
            if (length > size - at) return Fail("a bundle element is longer than the bundle");
            if (length == 0 || length % 4 != 0)
                return Fail("a bundle element's size is not a positive multiple of 4");
            Element(data + at, length, depth);
            at += length;
        }
    }

    void Fail(const char* reason) {
        if (out_.error.empty()) out_.error = reason;
    }

    Datagram out_;
};

}  // namespace

Datagram Decode(const void* data, size_t size) {
    Decoder decoder;
    if (size == 0) return Datagram{{}, "an empty datagram"};
    decoder.Element(static_cast<const unsigned char*>(data), size, 0);
    return decoder.Take();
}

std::string Encode(std::string_view address, const std::vector<Arg>& args) {
    MessagePtr m(lo_message_new());
    if (!m) throw std::bad_alloc();
    for (const Arg& a : args) {
        int rc = 0;
        switch (a.type) {
            case 'i':
                rc = lo_message_add_int32(m.get(), a.i);
                break;
            case 'f':
                rc = lo_message_add_float(m.get(), a.f);
                break;
            case 's':
                rc = lo_message_add_string(m.get(), a.s.c_str());
                break;
            case 'T':
                rc = lo_message_add_true(m.get());
                break;
            case 'F':
                rc = lo_message_add_false(m.get());
                break;
            default:
                rc = lo_message_add_nil(m.get());
                break;
        }
        if (rc != 0) throw std::bad_alloc();
    }
    const std::string path(address);
    size_t size = 0;
    void* bytes = lo_message_serialise(m.get(), path.c_str(), nullptr, &size);
    if (!bytes) throw std::bad_alloc();
    std::string out(static_cast<const char*>(bytes), size);
    std::free(bytes);
    return out;
}

}  // namespace Osc
