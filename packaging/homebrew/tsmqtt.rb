# Homebrew formula, for a tap once tsmqtt has a public release: until then `url`, `sha256`
# and `homepage` are placeholders and `brew install --build-from-source ./tsmqtt.rb` fails at
# the download. Keep `version` in step with CMakeLists.txt.
class Tsmqtt < Formula
  desc "MQTT publish/subscribe command-line tool for ThingSpeak and any MQTT broker"
  homepage "https://example.invalid/tsmqtt" # placeholder: no public home page yet
  url "https://example.invalid/tsmqtt/tsmqtt-0.1.0.tar.gz" # placeholder
  sha256 "0000000000000000000000000000000000000000000000000000000000000000" # placeholder
  license "Apache-2.0"

  depends_on "cli11" => :build
  depends_on "cmake" => :build
  depends_on "nlohmann-json" => :build
  depends_on "scdoc" => :build
  depends_on "fmt"
  depends_on "libpaho-mqtt"
  depends_on "openssl@3"
  depends_on "tomlplusplus" => :build # compiled in, header-only

  # Paho's C++ binding is not in homebrew-core: build the version tsmqtt is developed
  # against into libexec, linked statically.
  resource "paho-mqtt-cpp" do
    url "https://github.com/eclipse/paho.mqtt.cpp/archive/refs/tags/v1.2.0.tar.gz"
    sha256 "0000000000000000000000000000000000000000000000000000000000000000" # placeholder
  end

  def install
    resource("paho-mqtt-cpp").stage do
      system "cmake", "-S", ".", "-B", "build",
             "-DPAHO_BUILD_STATIC=ON", "-DPAHO_BUILD_SHARED=OFF", "-DPAHO_WITH_SSL=ON",
             *std_cmake_args(install_prefix: libexec/"paho")
      system "cmake", "--build", "build"
      system "cmake", "--install", "build"
    end

    system "cmake", "-S", ".", "-B", "build",
           "-DTSMQTT_BUILD_TESTS=OFF",
           "-DCMAKE_PREFIX_PATH=#{libexec}/paho",
           "-DTSMQTT_BASH_COMPLETION_DIR=etc/bash_completion.d",
           "-DTSMQTT_ZSH_COMPLETION_DIR=share/zsh/site-functions",
           "-DTSMQTT_FISH_COMPLETION_DIR=share/fish/vendor_completions.d",
           *std_cmake_args
    system "cmake", "--build", "build"
    system "cmake", "--install", "build"
  end

  test do
    assert_equal "tsmqtt #{version}", shell_output("#{bin}/tsmqtt --version").strip
    ENV["TSMQTT_CONFIG"] = testpath/"profiles.toml"
    system bin/"tsmqtt", "profile", "add", "home", "--host", "localhost", "-c", "1587079"
    assert_match "home  (default)", shell_output("#{bin}/tsmqtt profile list")
    # --dry-run connects to nothing: it shows what would be sent.
    assert_match "channels/1587079/publish", shell_output("#{bin}/tsmqtt publish field1=21.5 --dry-run")
    # A usage error exits 2.
    shell_output("#{bin}/tsmqtt publish -c 1587079 lat=91", 2)
  end
end
