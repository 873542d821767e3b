/* SPDX-License-Identifier: MIT */
/* Backend selection helpers that do not depend on the host architecture. */
#include "vmm/backend.h"

#ifndef MINIVMM_HAVE_KVM
/* On a non-s390 host KVM cannot run s390 guests at all. */
bool kvm_backend_available(const char **why)
{
	if (why)
		*why = "minivmm's KVM backend needs an s390x host";
	return false;
}
#endif
