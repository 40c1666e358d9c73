#include "platform/terraform_variables.h"

#include <regex>

namespace provisio::api {
namespace {

// The text of the block that opens at `open` (the '{'), without its braces;
// strings and comments are skipped when counting braces.
std::string BlockBody(const std::string& text, std::size_t open, std::size_t& end) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      i = text.find('\n', i);
      if (i == std::string::npos) break;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      end = i + 1;
      return text.substr(open + 1, i - open - 1);
    }
  }
  end = text.size();
  return text.substr(open + 1);
}

// Blanks out comments (# and // to the end of the line, /* */), leaving
// strings alone, so that a commented-out block is not read.
std::string WithoutComments(const std::string& text) {
  std::string out = text;
  bool in_string = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '#' || (c == '/' && i + 1 < out.size() && out[i + 1] == '/')) {
      while (i < out.size() && out[i] != '\n') out[i++] = ' ';
    } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
      while (i < out.size() && !(out[i] == '*' && i + 1 < out.size() && out[i + 1] == '/')) {
        if (out[i] != '\n') out[i] = ' ';
        ++i;
      }
      if (i + 1 < out.size()) out[i] = out[i + 1] = ' ';
    }
  }
  return out;
}

// Removes nested blocks, leaving a block's own attributes.
std::string TopLevel(const std::string& body) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (!in_string && c == '{') ++depth;
    if (depth == 0) out += c;
    if (!in_string && c == '}') --depth;
    if (c == '"' && (i == 0 || body[i - 1] != '\\')) in_string = !in_string;
  }
  return out;
}

std::string Unquote(const std::string& literal) {
  std::string out;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    if (literal[i] == '\\' && i + 2 < literal.size()) {
      ++i;
      out += literal[i] == 'n' ? '\n' : literal[i];
    } else {
      out += literal[i];
    }
  }
  return out;
}

}  // namespace

std::map<std::string, TerraformVariable> ScanVariables(const std::string& source) {
  const std::string text = WithoutComments(source);
  static const std::regex kVariable(R"re(variable\s+"([A-Za-z_][A-Za-z0-9_-]*)"\s*\{)re");
  static const std::regex kType(R"re((^|\n)\s*type\s*=\s*(string|number|bool)\b)re");
  static const std::regex kDescription(R"re((^|\n)\s*description\s*=\s*("(?:[^"\\]|\\.)*"))re");
  static const std::regex kDefault(R"re((^|\n)\s*default\s*=\s*([^\n]*))re");
  static const std::regex kRegexCondition(
      R"re(condition\s*=\s*can\(regex\(("(?:[^"\\]|\\.)*"),\s*var\.[A-Za-z0-9_]+\)\))re");
  static const std::regex kErrorMessage(R"re(error_message\s*=\s*("(?:[^"\\]|\\.)*"))re");
  std::map<std::string, TerraformVariable> variables;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kVariable);
  std::size_t resume = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::size_t open = static_cast<std::size_t>(it->position(0) + it->length(0) - 1);
    if (open < resume) continue;  // inside an earlier block
    std::size_t end = 0;
    const std::string body = BlockBody(text, open, end);
    resume = end;
    const std::string own = TopLevel(body);
    TerraformVariable variable;
    std::smatch match;
    if (std::regex_search(own, match, kType)) variable.type = match[2].str();
    if (std::regex_search(own, match, kDescription)) variable.description = Unquote(match[2].str());
    if (std::regex_search(own, match, kDefault)) {
      variable.has_default = true;
      std::string literal = match[2].str();
      while (!literal.empty() && (literal.back() == ' ' || literal.back() == '\r'))
        literal.pop_back();
      const nlohmann::json parsed = nlohmann::json::parse(literal, nullptr, false);
      if (!parsed.is_discarded() && (parsed.is_primitive() && !parsed.is_null()))
        variable.default_value = parsed;
    }
    if (std::regex_search(body, match, kRegexCondition)) {
      // An HCL string literal's escapes are JSON's for these patterns.
      const nlohmann::json pattern = nlohmann::json::parse(match[1].str(), nullptr, false);
      if (pattern.is_string()) variable.pattern = pattern.get<std::string>();
      if (std::regex_search(body, match, kErrorMessage)) {
        const nlohmann::json message = nlohmann::json::parse(match[1].str(), nullptr, false);
        if (message.is_string()) variable.pattern_message = message.get<std::string>();
      }
    }
    variables[(*it)[1].str()] = std::move(variable);
  }
  return variables;
}

}  // namespace provisio::api
