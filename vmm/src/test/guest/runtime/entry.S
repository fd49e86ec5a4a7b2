/*
 * Guest entry for both boot protocols, then the drop to ring 3.
 *
 * Under the PVM KVM backend ring-0 code is emulated instruction by instruction (about 1 us each)
 * while ring-3 code runs natively, so ring 0 only loads the tables prepared at link time and
 * leaves with iretq to ring 3 with IOPL 3: port I/O, MMIO and rdtsc all work from there.
 */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS (0x18 | 3)
#define USER_CS (0x20 | 3)
#define TSS_SEL 0x28
#define RFLAGS_IOPL3 0x3002

	.section .text.entry, "ax"

/* PVH: 32-bit protected mode, paging off, %ebx -> hvm_start_info. */
	.code32
	.globl pvh_start
pvh_start:
	movl %ebx, boot_info_address
	movl $1, boot_protocol
	lgdt gdt_pointer
	movl %cr4, %eax
	orl $0x20, %eax                 /* PAE */
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx          /* EFER */
	rdmsr
	orl $0x100, %eax                /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax           /* PG | PE */
	movl %eax, %cr0
	ljmp *long_mode_entry

/* Linux 64-bit boot protocol: long mode, first GiB identity-mapped, %rsi -> boot_params. */
	.code64
	.globl linux64_start
linux64_start:
	movq $kernel_stack_top, %rsp
	movq %rsi, boot_info_address
	movl $2, boot_protocol
	movq $pml4, %rax
	movq %rax, %cr3
	lgdt gdt_pointer
	pushq $KERNEL_CS
	pushq $long_mode
	lretq

long_mode:
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movq $kernel_stack_top, %rsp    /* PVH promises no stack */
	movl $TSS_SEL, %eax
	ltr %ax
	lidt idt_pointer
	pushq $USER_DS
	pushq $user_stack_top
	pushq $RFLAGS_IOPL3
	pushq $USER_CS
	pushq $user_start
	iretq

user_start:
	movl $USER_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	xorl %ebp, %ebp
	call guest_start
1:	jmp 1b

/*
 * #GP from ring 3. PVM runs guest ring 3 on the host's ring 3 with the host's IOPL 0, so the
 * guest's IOPL 3 is not honoured and in/out, cli, sti and hlt fault here, as wrmsr does
 * everywhere. This handler performs those instructions (only the register forms the runtime's
 * inline assembly emits) in ring 0 and returns past them; anything else is a real fault. Where
 * IOPL is honoured (hardware KVM) only hlt and wrmsr land here. Registers other than the ones
 * the instruction itself uses stay intact.
 */
#define GP_RIP 16
#define GP_RFLAGS 32
	.text
	.globl privileged_fault
privileged_fault:
	pushq %rcx
	movq GP_RIP(%rsp), %rcx
	cmpb $0xEE, (%rcx)
	je 10f
	cmpb $0xEC, (%rcx)
	je 11f
	cmpb $0xEF, (%rcx)
	je 12f
	cmpb $0xED, (%rcx)
	je 13f
	cmpb $0x66, (%rcx)
	je 20f
	cmpb $0xFA, (%rcx)
	je 30f
	cmpb $0xFB, (%rcx)
	je 31f
	cmpb $0xF4, (%rcx)
	je 32f
	cmpw $0x300F, (%rcx)            /* wrmsr */
	je 34f
	popq %rcx
	pushq $13
	jmp exception_common
10:	outb %al, %dx
	jmp 1f
11:	inb %dx, %al
	jmp 1f
12:	outl %eax, %dx
	jmp 1f
13:	inl %dx, %eax
	jmp 1f
20:	cmpb $0xEF, 1(%rcx)
	je 21f
	cmpb $0xED, 1(%rcx)
	jne 40f
	inw %dx, %ax
	jmp 2f
21:	outw %ax, %dx
	jmp 2f
	/*
	 * PVM hands ring 3 RFLAGS with IF forced on and IOPL 0 whatever iretq loaded, so the
	 * interrupt flag ring 3 asked for is kept in ring3_interrupts as well as in the frame.
	 */
30:	andq $~0x200, GP_RFLAGS(%rsp)
	movb $0, ring3_interrupts
	jmp 1f
31:	orq $0x200, GP_RFLAGS(%rsp)
	movb $1, ring3_interrupts
	jmp 1f
	/*
	 * hlt: wait for an interrupt if ring 3 enabled them, else stop for good. Where the frame
	 * shows IOPL 3 the CPU ran ring 3's cli and sti itself and the frame's IF is the truth;
	 * under PVM (IOPL 0 in the frame, IF forced on) ring3_interrupts is.
	 */
32:	testq $0x200, GP_RFLAGS(%rsp)
	jz halt_forever
	testq $0x3000, GP_RFLAGS(%rsp)
	jnz 33f
	cmpb $0, ring3_interrupts
	je halt_forever
33:
	sti
	hlt
	cli
	jmp 1f
34:	movq (%rsp), %rcx
	wrmsr
	jmp 2f
40:	popq %rcx
	pushq $13
	jmp exception_common
2:	incq GP_RIP(%rsp)
1:	incq GP_RIP(%rsp)
	popq %rcx
	addq $8, %rsp
	iretq

	.globl halt_forever
halt_forever:
	cli
	hlt
	jmp halt_forever

/* Exception stubs: push a dummy error code where the CPU pushes none, then the vector. */
	.macro exception_stub vector, has_error
	.balign 16
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vector
	jmp exception_common
	.endm

	.balign 16
	.globl exception_stubs
exception_stubs:
	.set v, 0
	.rept 32
	.if (v == 8) || (v == 10) || (v == 11) || (v == 12) || (v == 13) || (v == 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
	exception_stub v, 1
	.else
	exception_stub v, 0
	.endif
	.set v, v + 1
	.endr

/* Ring 0, from any stub: report and stop. */
exception_common:
	movq %rsp, %rdi
	andq $~0xF, %rsp
	call exception_report
	jmp halt_forever

	.data
	.balign 16
gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF        /* 0x08 kernel code, 64-bit */
	.quad 0x00CF92000000FFFF        /* 0x10 kernel data */
	.quad 0x00CFF2000000FFFF        /* 0x18 user data, DPL 3 */
	.quad 0x00AFFA000000FFFF        /* 0x20 user code, 64-bit, DPL 3 */
	.quad tss_descriptor_low        /* 0x28 TSS (fields computed in guest.ld) */
	.quad tss_descriptor_high
gdt_end:

	.balign 16
gdt_pointer:
	.word gdt_end - gdt - 1
	.quad gdt

	.balign 16
	.globl idt_pointer
idt_pointer:
	.word 256 * 16 - 1
	.quad idt

	.balign 16
	.globl tss
tss:
	.long 0
	.quad kernel_stack_top          /* rsp0: interrupts and exceptions from ring 3 land here */
	.fill 0x68 - 12, 1, 0

	/* m16:32 far pointer; the test-only linux64 shim points it at its own code. */
	.globl long_mode_entry
long_mode_entry:
	.long long_mode
	.word KERNEL_CS

	.globl boot_info_address
boot_info_address:
	.quad 0
	.globl boot_protocol
boot_protocol:
	.long 0
ring3_interrupts:
	.byte 0

/*
 * Identity map of the first 4 GiB with 2 MiB pages, all user-accessible so ring 3 reaches RAM,
 * the virtio-mmio windows, the IOAPIC and the LAPIC. The top GiB (MMIO) is uncached. The second
 * PML4 entry maps [512 GiB, 513 GiB), where the VMM puts virtio-pmem regions (the pmem guest).
 */
	.section .data.pagetables, "aw"
	.balign 4096
	.globl pml4 /* the mem guest maps the virtio-mem region at 512 GiB through entry 1 */
pml4:
	.quad pdpt + 0x7
	.quad pdpt_pmem + 0x7
	.fill 510, 8, 0
pdpt_pmem:
	.quad pd_pmem + 0x7
	.fill 511, 8, 0
pd_pmem:
	.set page, 512 << 30
	.rept 512
	.quad page + 0x87
	.set page, page + 0x200000
	.endr
pdpt:
	.quad pd + 0x7
	.quad pd + 0x1000 + 0x7
	.quad pd + 0x2000 + 0x7
	.quad pd + 0x3000 + 0x7
	.fill 508, 8, 0
pd:
	.set page, 0
	.rept 512 * 3
	.quad page + 0x87
	.set page, page + 0x200000
	.endr
	.rept 512
	.quad page + 0x87 + 0x18
	.set page, page + 0x200000
	.endr

	.bss
	.balign 4096
	.globl idt
idt:
	.skip 256 * 16
	.balign 16
kernel_stack:
	.skip 16384
kernel_stack_top:
user_stack:
	.skip 65536
user_stack_top:

	.section .note.GNU-stack, "", @progbits
