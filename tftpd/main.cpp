// in.tftpd: the command line of tftpd-hpa. Serving arrives with the tftpd issue; until then
// only -V/--version and --help work, and anything else says so.

#include <iostream>

#include <boost/program_options.hpp>

#include "snowboot/version.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()
      ("version,V", "print the version and exit")
      ("help,h", "print this help and exit");
  po::variables_map arguments;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), arguments);
  } catch (const po::error& error) {
    std::cerr << "in.tftpd: " << error.what() << "\n";
    return 1;
  }
  if (arguments.count("version")) {
    std::cout << "snowboot in.tftpd " << snowboot::kVersion << "\n";
    return 0;
  }
  if (arguments.count("help")) {
    std::cout << "Usage: in.tftpd [options] [directory...]\n" << options;
    return 0;
  }
  std::cerr << "in.tftpd: this build of snowboot " << snowboot::kVersion
            << " cannot serve TFTP yet\n";
  return 1;
}
