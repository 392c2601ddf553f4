// SPDX-License-Identifier: GPL-3.0-or-later
/* The tokens of alsa-lib's configuration syntax: words, quoted strings, punctuation. */

#include <cctype>
#include <charconv>

#include "sim/StateFile.hpp"
#include "sim/StateSyntax.hpp"

namespace Sim::StateSyntax {

namespace {

bool IsPunct(char c) {
    return c == '{' || c == '}' || c == '[' || c == ']' || c == '=' || c == ';' || c == ',';
}

bool IsWordEnd(char c) {
    return std::isspace(static_cast<unsigned char>(c)) || IsPunct(c) || c == '\'' || c == '"' ||
           c == '#' || c == '\\';
}

}  // namespace

void Fail(const std::string& origin, int line, const std::string& message) {
    throw StateFileError(origin + ":" + std::to_string(line) + ": " + message);
}

std::optional<long long> ParseInteger(std::string_view text) {
    bool negative = !text.empty() && text[0] == '-';
    std::string_view digits = negative ? text.substr(1) : text;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
    }
    unsigned long long magnitude = 0;
    auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    if (negative) return -static_cast<long long>(magnitude);
    return static_cast<long long>(magnitude);
}

Token Lexer::Next() {
    SkipBlanks();
    Token token;
    token.line = line_;
    if (pos_ >= text_.size()) return token;
    char c = text_[pos_];
    if (IsPunct(c)) {
        ++pos_;
        token.kind = TokenKind::Punct;
        token.text = std::string(1, c);
    } else if (c == '\'' || c == '"') {
        token.kind = TokenKind::String;
        token.text = ReadQuoted(c);
    } else {
        token.kind = TokenKind::Word;
        size_t start = pos_;
        while (pos_ < text_.size() && !IsWordEnd(text_[pos_])) ++pos_;
        token.text = std::string(text_.substr(start, pos_ - start));
    }
    return token;
}

void Lexer::SkipBlanks() {
    while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (c == '\n') {
            ++line_;
            ++pos_;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++pos_;
        } else if (c == '#') {
            while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        } else {
            break;
        }
    }
}

std::string Lexer::ReadQuoted(char quote) {
    int start_line = line_;
    ++pos_;
    std::string out;
    while (true) {
        if (pos_ >= text_.size()) Fail(start_line, "unterminated string");
        char c = text_[pos_++];
        if (c == quote) return out;
        if (c == '\n') ++line_;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (pos_ >= text_.size()) Fail(start_line, "unterminated string");
        c = text_[pos_++];
        switch (c) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'v':
                out += '\v';
                break;
            case 'b':
                out += '\b';
                break;
            case 'r':
                out += '\r';
                break;
            case 'f':
                out += '\f';
                break;
            default:
                if (c >= '0' && c <= '7') {
                    // Up to three octal digits, as alsactl writes bytes outside 32..126.
                    int value = c - '0';
                    for (int i = 0;
                         i < 2 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7';
                         ++i)
                        value = value * 8 + (text_[pos_++] - '0');
                    out += static_cast<char>(value);
                } else {
                    out += c;
                }
        }
    }
}

}  // namespace Sim::StateSyntax
