/*
 * A test-only third variant that lets QEMU exercise the Linux 64-bit entry: its PVH note points
 * here, the usual PVH start-up reaches long mode and comes back here instead of going on,
 * zero_page.c turns hvm_start_info into a boot_params zero page, and then linux64_start runs just
 * as a VMM that uses that protocol calls it.
 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
	.long 4
	.long 18         /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long shim_start
	.balign 4

	.text
	.code32
shim_start:
	movl $shim64, long_mode_entry
	jmp pvh_start

	.code64
shim64:
	movq $shim_stack_top, %rsp
	movq boot_info_address, %rdi
	call shim_zero_page
	movq %rax, %rsi
	jmp linux64_start

	.bss
	.balign 16
	.skip 4096
shim_stack_top:

	.section .note.GNU-stack, "", @progbits
