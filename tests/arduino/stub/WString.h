/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in of Arduino's String: a fixed buffer (enough for tests). */
#ifndef STUB_WSTRING_H
#define STUB_WSTRING_H
#include <stddef.h>
#include <string.h>

class String {
public:
    String(const char *s = "") { set(s); }
    const char *c_str() const { return buf_; }
    unsigned int length() const { return static_cast<unsigned int>(strlen(buf_)); }
    String &operator+=(const char *s)
    {
        size_t n = strlen(buf_);
        strncat(buf_ + n, s, sizeof buf_ - n - 1);
        return *this;
    }

private:
    void set(const char *s)
    {
        buf_[0] = '\0';
        strncat(buf_, s != NULL ? s : "", sizeof buf_ - 1);
    }
    char buf_[256];
};
#endif
