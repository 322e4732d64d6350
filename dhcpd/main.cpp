// dhcpd: the command line of ISC dhcpd. Serving arrives with the dhcpd.conf, lease-store and
// server issues; until then only --version and --help work, and anything else says so.

#include <cstdio>
#include <iostream>

#include <boost/program_options.hpp>

#include "snowboot/version.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()
      ("version", "print the version and exit")
      ("help,h", "print this help and exit");
  po::variables_map arguments;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), arguments);
  } catch (const po::error& error) {
    std::cerr << "dhcpd: " << error.what() << "\n";
    return 1;
  }
  if (arguments.count("version")) {
    std::cout << "snowboot dhcpd " << snowboot::kVersion << "\n";
    return 0;
  }
  if (arguments.count("help")) {
    std::cout << "Usage: dhcpd [options]\n" << options;
    return 0;
  }
  std::cerr << "dhcpd: this build of snowboot " << snowboot::kVersion
            << " cannot serve DHCP yet\n";
  return 1;
}
