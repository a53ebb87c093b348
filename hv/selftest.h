/* Boot self-tests chosen with `selftest=<name>[,<name>...]` on the command
 * line, so tests exercise the same image users boot. */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

/* Runs the requested self-tests; some (pf) do not return. */
void selftest_run(const char *cmdline);

#endif
