// SPDX-License-Identifier: GPL-3.0-or-later
/* The tree of alsa-lib's configuration syntax: compounds, arrays and leaves. */

#include "sim/StateSyntax.hpp"

namespace Sim::StateSyntax {

namespace {

class Parser {
  public:
    Parser(std::string_view text, const std::string& origin) : lexer_(text, origin) {}

    std::unique_ptr<Node> ParseTop() {
        auto root = std::make_unique<Node>();
        root->compound = true;
        ParseCompound(*root, "");
        return root;
    }

  private:
    [[noreturn]] void Fail(int line, const std::string& message) const {
        lexer_.Fail(line, message);
    }

    // Keys repeat when a file uses dotted paths (value.0, value.1): merge into one node.
    Node& ChildFor(Node& parent, const std::string& key, int line) {
        for (auto it = parent.children.rbegin(); it != parent.children.rend(); ++it)
            if ((*it)->key == key) return **it;
        auto child = std::make_unique<Node>();
        child->key = key;
        child->line = line;
        parent.children.push_back(std::move(child));
        return *parent.children.back();
    }

    void ParseCompound(Node& node, std::string_view closing) {
        while (true) {
            Token token = lexer_.Next();
            if (token.kind == TokenKind::End) {
                if (!closing.empty()) Fail(token.line, "missing '" + std::string(closing) + "'");
                return;
            }
            if (token.kind == TokenKind::Punct) {
                if (token.text == closing) return;
                if (token.text == ";" || token.text == ",") continue;
                Fail(token.line, "unexpected '" + token.text + "'");
            }
            ParseDefinition(node, token);
        }
    }

    void ParseDefinition(Node& node, const Token& key_token) {
        std::vector<std::string> path;
        if (key_token.kind == TokenKind::Word) {
            std::string_view key = key_token.text;
            size_t start = 0;
            while (true) {
                size_t dot = key.find('.', start);
                path.emplace_back(key.substr(start, dot - start));
                if (dot == std::string_view::npos) break;
                start = dot + 1;
            }
        } else {
            path.push_back(key_token.text);
        }
        for (const auto& part : path)
            if (part.empty()) Fail(key_token.line, "empty key in '" + key_token.text + "'");
        Node* target = &node;
        for (size_t i = 0; i + 1 < path.size(); ++i) {
            target = &ChildFor(*target, path[i], key_token.line);
            target->compound = true;
        }
        Token token = lexer_.Next();
        if (token.kind == TokenKind::Punct && token.text == "=") token = lexer_.Next();
        ParseValue(ChildFor(*target, path.back(), key_token.line), token);
    }

    void ParseValue(Node& node, const Token& token) {
        if (token.kind == TokenKind::Word || token.kind == TokenKind::String) {
            node.compound = false;
            node.children.clear();
            node.value = token.text;
            return;
        }
        if (token.kind == TokenKind::Punct && token.text == "{") {
            node.compound = true;
            ParseCompound(node, "}");
            return;
        }
        if (token.kind == TokenKind::Punct && token.text == "[") {
            node.compound = true;
            ParseArray(node);
            return;
        }
        Fail(token.line, token.kind == TokenKind::End ? "missing value at end of file"
                                                      : "unexpected '" + token.text + "'");
    }

    void ParseArray(Node& node) {
        int next_index = 0;
        while (true) {
            Token token = lexer_.Next();
            if (token.kind == TokenKind::End) Fail(token.line, "missing ']'");
            if (token.kind == TokenKind::Punct && token.text == "]") return;
            if (token.kind == TokenKind::Punct && (token.text == ";" || token.text == ","))
                continue;
            ParseValue(ChildFor(node, std::to_string(next_index++), token.line), token);
        }
    }

    Lexer lexer_;
};

}  // namespace

std::unique_ptr<Node> Parse(std::string_view text, const std::string& origin) {
    return Parser(text, origin).ParseTop();
}

}  // namespace Sim::StateSyntax
