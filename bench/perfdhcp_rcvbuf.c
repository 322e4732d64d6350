/* LD_PRELOAD for perfdhcp: its UDP sockets get an 8 MiB receive buffer.
 *
 * perfdhcp leaves SO_RCVBUF at the kernel default (208 KiB). At 8,000 DORA/s and above the
 * replies of a burst overflowed it while every server under test was keeping up, so the
 * ladder measured the load generator, not the server. The bench builds this next to its
 * work files and applies it to perfdhcp for every server alike. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
  static int (*real_socket)(int, int, int);
  if (real_socket == 0) real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
  int fd = real_socket(domain, type, protocol);
  if (fd >= 0 && domain == AF_INET && (type & 0xf) == SOCK_DGRAM) {
    int size = 8 << 20;
    /* FORCE: the bench runs as root, and net.core.rmem_max may be lower. */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  }
  return fd;
}
