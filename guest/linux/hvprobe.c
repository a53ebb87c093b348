/* hvprobe: the Linux guest's probe of the hypervisor, a static binary in the
 * initramfs. `cpuid` shows what a leaf returns (0x40000000: the hypervisor's
 * signature), `mark` time-stamps a point for the host through port 0x510, `rdtsc`
 * reads the guest TSC. Test scripts parse its output: keep the formats stable. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <time.h>

/* The hypervisor's mark port: a 32-bit write is stamped with the host TSC. */
#define MARK_PORT 0x510
#define HV_CPUID_BASE 0x40000000u

static void usage(FILE *f)
{
	fprintf(f, "usage: hvprobe cpuid LEAF [SUBLEAF]   print the leaf's eax ebx ecx edx\n"
		   "       hvprobe mark N                write N to port 0x%x, print tsc and mono_ns\n"
		   "       hvprobe rdtsc                 print the TSC in decimal\n"
		   "numbers are decimal or 0x-prefixed hex, at most 32 bits\n",
		MARK_PORT);
}

static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "hvprobe: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	return 2;
}

/* A whole-string unsigned 32-bit number, decimal or 0x hex. */
static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;

	if (*s == '\0' || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static int cmd_cpuid(uint32_t leaf, uint32_t subleaf)
{
	uint32_t r[4];

	cpuid(leaf, subleaf, r);
	printf("eax=%08" PRIx32 " ebx=%08" PRIx32 " ecx=%08" PRIx32 " edx=%08" PRIx32, r[0], r[1],
	       r[2], r[3]);
	if (leaf == HV_CPUID_BASE) {
		/* The vendor signature is ebx, ecx, edx as 12 little-endian bytes. */
		const uint32_t words[3] = { r[1], r[2], r[3] };
		char sig[13];

		for (int i = 0; i < 12; i++) {
			unsigned char c = (unsigned char)(words[i / 4] >> (8 * (i % 4)));
			sig[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		sig[12] = '\0';
		printf(" signature=%s", sig);
	}
	putchar('\n');
	return 0;
}

static int cmd_mark(uint32_t n)
{
	struct timespec ts;

	if (ioperm(MARK_PORT, 4, 1) != 0) {
		fprintf(stderr, "hvprobe: ioperm(0x%x): %s\n", MARK_PORT, strerror(errno));
		return 1;
	}
	/* Both guest clocks are read right before the write, so the host's stamp
	 * follows them by one exit. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t tsc = rdtsc();
	outl(n, MARK_PORT);
	printf("hvprobe: mark %" PRIu32 " tsc=%" PRIu64 " mono_ns=%" PRIu64 "\n", n, tsc,
	       (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return bad_usage("%s", "missing command");
	const char *cmd = argv[1];

	if (strcmp(cmd, "cpuid") == 0) {
		uint32_t leaf, subleaf = 0;

		if (argc < 3 || argc > 4)
			return bad_usage("%s", "cpuid takes LEAF [SUBLEAF]");
		if (!parse_u32(argv[2], &leaf))
			return bad_usage("bad LEAF '%s'", argv[2]);
		if (argc == 4 && !parse_u32(argv[3], &subleaf))
			return bad_usage("bad SUBLEAF '%s'", argv[3]);
		return cmd_cpuid(leaf, subleaf);
	}
	if (strcmp(cmd, "mark") == 0) {
		uint32_t n;

		if (argc != 3)
			return bad_usage("%s", "mark takes N");
		if (!parse_u32(argv[2], &n))
			return bad_usage("bad N '%s'", argv[2]);
		return cmd_mark(n);
	}
	if (strcmp(cmd, "rdtsc") == 0) {
		if (argc != 2)
			return bad_usage("%s", "rdtsc takes no arguments");
		printf("%" PRIu64 "\n", rdtsc());
		return 0;
	}
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage(stdout);
		return 0;
	}
	return bad_usage("unknown command '%s'", cmd);
}
