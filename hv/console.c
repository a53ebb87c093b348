/* Console output and input over COM1 (see console.h). */
#include "hv/console.h"
#include "arch/x86/io.h"
#include "arch/x86/spinlock.h"
#include "drivers/uart16550.h"

#define DEBUG_PORT 0xe9

static struct uart16550 com1;
static bool debug_port_mirror;
static spinlock_t console_spinlock = SPINLOCK_INIT;

void console_init(void)
{
	uart16550_init(&com1, COM1_PORT);
}

bool console_has_uart(void)
{
	return com1.present;
}

void console_enable_debug_port(void)
{
	debug_port_mirror = true;
}

uint64_t console_lock(void)
{
	return spin_lock_irqsave(&console_spinlock);
}

void console_unlock(uint64_t flags)
{
	spin_unlock_irqrestore(&console_spinlock, flags);
}

void console_lock_force(void)
{
	irq_disable();
	/* Bounded wait, then break the lock: its holder may be a CPU the panic
	 * has just stopped. */
	for (int spins = 0; spins < 10000000; spins++) {
		if (console_spinlock.next == console_spinlock.owner) {
			spin_lock(&console_spinlock);
			return;
		}
		cpu_relax();
	}
	console_spinlock.owner = console_spinlock.next;
	spin_lock(&console_spinlock);
}

void console_putc_locked(char c)
{
	if (c == '\n')
		uart16550_putc(&com1, '\r');
	uart16550_putc(&com1, c);
	if (debug_port_mirror)
		outb(DEBUG_PORT, (uint8_t)c);
}

int console_getc(void)
{
	return uart16550_getc(&com1);
}
