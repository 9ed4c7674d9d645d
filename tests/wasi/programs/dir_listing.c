// Directories in the preopened directory argv[1]: mkdir, many entries listed with readdir
// (more than fit in one fd_readdir buffer, so listing resumes from cookies), entry types,
// rewinddir, rmdir.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { kFiles = 300 };

static int compare(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static int list(const char* dir, char** names, int capacity, int* directories) {
  DIR* stream = opendir(dir);
  if (!stream) {
    perror("opendir");
    exit(1);
  }
  int count = 0;
  *directories = 0;
  struct dirent* entry;
  while ((entry = readdir(stream)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    if (entry->d_type == DT_DIR) ++*directories;
    if (count < capacity) names[count] = strdup(entry->d_name);
    ++count;
  }
  closedir(stream);
  qsort(names, count < capacity ? count : capacity, sizeof *names, compare);
  return count;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: dir_listing DIR\n");
    return 2;
  }
  char top[256];
  snprintf(top, sizeof top, "%s/listing", argv[1]);
  if (mkdir(top, 0755) != 0) {
    perror("mkdir");
    return 1;
  }
  printf("mkdir listing: ok\n");
  errno = 0;
  printf("mkdir listing again: %s\n", mkdir(top, 0755) == -1 && errno == EEXIST ? "EEXIST" : "?");

  // Long names, so the entries overflow wasi-libc's readdir buffer several times over.
  for (int i = 0; i < kFiles; ++i) {
    char path[512];
    snprintf(path, sizeof path, "%s/file-%03d-with-a-rather-long-name-to-fill-buffers.txt", top, i);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0) {
      perror("create");
      return 1;
    }
    close(fd);
  }
  for (int i = 0; i < 3; ++i) {
    char path[512];
    snprintf(path, sizeof path, "%s/subdir-%d", top, i);
    mkdir(path, 0755);
  }

  char* names[kFiles + 10];
  int directories = 0;
  int count = list(top, names, kFiles + 10, &directories);
  printf("entries: %d, directories among them: %d\n", count, directories);
  int in_order = count == kFiles + 3;
  for (int i = 0; in_order && i < kFiles; ++i) {
    char expected[128];
    snprintf(expected, sizeof expected, "file-%03d-with-a-rather-long-name-to-fill-buffers.txt", i);
    if (strcmp(names[i], expected) != 0) in_order = 0;
  }
  printf("every file listed once: %s\n", in_order ? "yes" : "no");
  printf("last three: %s %s %s\n", names[count - 3], names[count - 2], names[count - 1]);
  for (int i = 0; i < count; ++i) free(names[i]);

  // rewinddir lists the same entries again.
  DIR* stream = opendir(top);
  int first = 0, second = 0;
  while (readdir(stream)) ++first;
  rewinddir(stream);
  while (readdir(stream)) ++second;
  closedir(stream);
  printf("rewinddir: %s\n", first == second && first == kFiles + 5 ? "same count" : "different");

  // rmdir refuses a non-empty directory, then empties it and removes it.
  errno = 0;
  printf("rmdir non-empty: %s\n", rmdir(top) == -1 && errno == ENOTEMPTY ? "ENOTEMPTY" : "?");
  for (int i = 0; i < kFiles; ++i) {
    char path[512];
    snprintf(path, sizeof path, "%s/file-%03d-with-a-rather-long-name-to-fill-buffers.txt", top, i);
    if (unlink(path) != 0) {
      perror("unlink");
      return 1;
    }
  }
  for (int i = 0; i < 3; ++i) {
    char path[512];
    snprintf(path, sizeof path, "%s/subdir-%d", top, i);
    if (rmdir(path) != 0) {
      perror("rmdir subdir");
      return 1;
    }
  }
  printf("rmdir: %s\n", rmdir(top) == 0 ? "ok" : "failed");
  struct stat st;
  errno = 0;
  printf("stat after rmdir: %s\n", stat(top, &st) == -1 && errno == ENOENT ? "ENOENT" : "?");
  return 0;
}
