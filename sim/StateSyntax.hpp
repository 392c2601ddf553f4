// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Private to scd_sim_state: alsa-lib's configuration syntax, the subset alsactl
 * writes, read into a tree of nodes. StateInterpreter.cpp gives the tree its meaning.
 */

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Sim::StateSyntax {

/** Throws StateFileError("origin:line: message"). */
[[noreturn]] void Fail(const std::string& origin, int line, const std::string& message);

/** A configuration integer: decimal or 0x-prefixed hex, optionally negative. */
std::optional<long long> ParseInteger(std::string_view text);

enum class TokenKind { End, Word, String, Punct };

struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;
    int line = 0;
};

/** Splits text into tokens the way alsa-lib's conf.c does for the subset alsactl uses. */
class Lexer {
  public:
    Lexer(std::string_view text, const std::string& origin) : text_(text), origin_(origin) {}

    Token Next();

    [[noreturn]] void Fail(int line, const std::string& message) const {
        StateSyntax::Fail(origin_, line, message);
    }

  private:
    void SkipBlanks();
    std::string ReadQuoted(char quote);

    std::string_view text_;
    const std::string& origin_;
    size_t pos_ = 0;
    int line_ = 1;
};

struct Node {
    std::string key;
    bool compound = false;
    std::string value;  // leaf only
    int line = 0;
    std::vector<std::unique_ptr<Node>> children;

    const Node* Child(std::string_view name) const {
        for (const auto& child : children)
            if (child->key == name) return child.get();
        return nullptr;
    }
};

/** The whole text as one compound; dotted keys (value.0) become nested compounds. */
std::unique_ptr<Node> Parse(std::string_view text, const std::string& origin);

}  // namespace Sim::StateSyntax
