/* ctype.h - Harbor's bare-metal libc: character classes of the "C" locale (ASCII; every byte
 * above 127 is in no class). The argument is an unsigned char's value or EOF, as in ISO C. */
#ifndef HARBOR_LIBC_CTYPE_H
#define HARBOR_LIBC_CTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_LIBC_CTYPE_H */
