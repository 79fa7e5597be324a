#include "core/redact.hpp"

namespace tsmqtt {
namespace {

void replace_all(std::string& text, const std::string& secret) {
    if (secret.empty()) return;
    const auto masked = mask_secret(secret);
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + masked.size())) {
        text.replace(at, secret.size(), masked);
    }
}

}  // namespace

std::string redact_secret(std::string_view text, const std::string& secret) {
    std::string out(text);
    replace_all(out, secret);
    return out;
}

std::string redact(std::string_view text, const Settings& settings) {
    std::string out(text);
    if (settings.password) replace_all(out, *settings.password);
    replace_all(out, settings.write_key);
    replace_all(out, settings.read_key);
    return out;
}

}  // namespace tsmqtt
