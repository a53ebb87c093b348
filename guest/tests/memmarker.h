/* The marker memfill writes and memscan looks for. */
#define MEMORY_MARKER 0x4d41524b45523432ull /* "MARKER42" */
