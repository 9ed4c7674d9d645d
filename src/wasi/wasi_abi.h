// The WASI preview1 (wasi_snapshot_preview1) ABI as the guest sees it: errno values, rights,
// flags, and the byte layouts of the structures guests pass through linear memory. Values and
// offsets follow the witx definitions (wasi-libc's wasi/api.h asserts the same offsets).
#pragma once

#include <cstdint>

namespace wisp::wasi {

inline constexpr const char* kModuleName = "wasi_snapshot_preview1";

// ---- errno ----------------------------------------------------------------------------------

enum class Errno : uint16_t {
  Success = 0, TooBig = 1, Access = 2, AddrInUse = 3, AddrNotAvail = 4, AfNoSupport = 5,
  Again = 6, Already = 7, BadF = 8, BadMsg = 9, Busy = 10, Canceled = 11, Child = 12,
  ConnAborted = 13, ConnRefused = 14, ConnReset = 15, DeadLk = 16, DestAddrReq = 17, Dom = 18,
  DQuot = 19, Exist = 20, Fault = 21, FBig = 22, HostUnreach = 23, IdRm = 24, IlSeq = 25,
  InProgress = 26, Intr = 27, Inval = 28, Io = 29, IsConn = 30, IsDir = 31, Loop = 32,
  MFile = 33, MLink = 34, MsgSize = 35, MultiHop = 36, NameTooLong = 37, NetDown = 38,
  NetReset = 39, NetUnreach = 40, NFile = 41, NoBufs = 42, NoDev = 43, NoEnt = 44, NoExec = 45,
  NoLck = 46, NoLink = 47, NoMem = 48, NoMsg = 49, NoProtoOpt = 50, NoSpc = 51, NoSys = 52,
  NotConn = 53, NotDir = 54, NotEmpty = 55, NotRecoverable = 56, NotSock = 57, NotSup = 58,
  NoTty = 59, NxIo = 60, Overflow = 61, OwnerDead = 62, Perm = 63, Pipe = 64, Proto = 65,
  ProtoNoSupport = 66, ProtoType = 67, Range = 68, RoFs = 69, SPipe = 70, Srch = 71,
  Stale = 72, TimedOut = 73, TxtBsy = 74, XDev = 75, NotCapable = 76,
};

// ---- rights ---------------------------------------------------------------------------------

using Rights = uint64_t;
namespace right {
inline constexpr Rights kFdDatasync = 1ull << 0;
inline constexpr Rights kFdRead = 1ull << 1;
inline constexpr Rights kFdSeek = 1ull << 2;
inline constexpr Rights kFdFdstatSetFlags = 1ull << 3;
inline constexpr Rights kFdSync = 1ull << 4;
inline constexpr Rights kFdTell = 1ull << 5;
inline constexpr Rights kFdWrite = 1ull << 6;
inline constexpr Rights kFdAdvise = 1ull << 7;
inline constexpr Rights kFdAllocate = 1ull << 8;
inline constexpr Rights kPathCreateDirectory = 1ull << 9;
inline constexpr Rights kPathCreateFile = 1ull << 10;
inline constexpr Rights kPathLinkSource = 1ull << 11;
inline constexpr Rights kPathLinkTarget = 1ull << 12;
inline constexpr Rights kPathOpen = 1ull << 13;
inline constexpr Rights kFdReaddir = 1ull << 14;
inline constexpr Rights kPathReadlink = 1ull << 15;
inline constexpr Rights kPathRenameSource = 1ull << 16;
inline constexpr Rights kPathRenameTarget = 1ull << 17;
inline constexpr Rights kPathFilestatGet = 1ull << 18;
inline constexpr Rights kPathFilestatSetSize = 1ull << 19;
inline constexpr Rights kPathFilestatSetTimes = 1ull << 20;
inline constexpr Rights kFdFilestatGet = 1ull << 21;
inline constexpr Rights kFdFilestatSetSize = 1ull << 22;
inline constexpr Rights kFdFilestatSetTimes = 1ull << 23;
inline constexpr Rights kPathSymlink = 1ull << 24;
inline constexpr Rights kPathRemoveDirectory = 1ull << 25;
inline constexpr Rights kPathUnlinkFile = 1ull << 26;
inline constexpr Rights kPollFdReadwrite = 1ull << 27;
inline constexpr Rights kSockShutdown = 1ull << 28;
inline constexpr Rights kSockAccept = 1ull << 29;
inline constexpr Rights kAll = (1ull << 30) - 1;

// What a regular file (or a stream: tty, pipe) can be asked to do.
inline constexpr Rights kRegularFile =
    kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell | kFdWrite |
    kFdAdvise | kFdAllocate | kFdFilestatGet | kFdFilestatSetSize | kFdFilestatSetTimes |
    kPollFdReadwrite;
// What a directory can be asked to do; files opened beneath it inherit kRegularFile too.
inline constexpr Rights kDirectory =
    kFdFdstatSetFlags | kFdSync | kFdDatasync | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink |
    kPathRenameSource | kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize |
    kPathFilestatSetTimes | kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink |
    kPathRemoveDirectory | kPathUnlinkFile | kPollFdReadwrite;
// Rights that need a host descriptor open for reading, or for writing (the same split
// wasi-libc uses when it opens a file O_RDONLY).
inline constexpr Rights kNeedsReading = kFdRead | kFdReaddir;
inline constexpr Rights kNeedsWriting = kFdWrite | kFdDatasync | kFdAllocate | kFdFilestatSetSize;
}  // namespace right

// ---- enumerations and flags -----------------------------------------------------------------

enum class FileType : uint8_t {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4,
  SocketDgram = 5, SocketStream = 6, SymbolicLink = 7,
};

namespace clock_id {
inline constexpr uint32_t kRealtime = 0;
inline constexpr uint32_t kMonotonic = 1;
inline constexpr uint32_t kProcessCputime = 2;
inline constexpr uint32_t kThreadCputime = 3;
}  // namespace clock_id

namespace whence {
inline constexpr uint32_t kSet = 0;
inline constexpr uint32_t kCur = 1;
inline constexpr uint32_t kEnd = 2;
}  // namespace whence

namespace advice {
inline constexpr uint32_t kNormal = 0;
inline constexpr uint32_t kSequential = 1;
inline constexpr uint32_t kRandom = 2;
inline constexpr uint32_t kWillNeed = 3;
inline constexpr uint32_t kDontNeed = 4;
inline constexpr uint32_t kNoReuse = 5;
}  // namespace advice

namespace fdflag {
inline constexpr uint16_t kAppend = 1 << 0;
inline constexpr uint16_t kDsync = 1 << 1;
inline constexpr uint16_t kNonblock = 1 << 2;
inline constexpr uint16_t kRsync = 1 << 3;
inline constexpr uint16_t kSync = 1 << 4;
inline constexpr uint16_t kAll = (1 << 5) - 1;
}  // namespace fdflag

namespace oflag {
inline constexpr uint16_t kCreat = 1 << 0;
inline constexpr uint16_t kDirectory = 1 << 1;
inline constexpr uint16_t kExcl = 1 << 2;
inline constexpr uint16_t kTrunc = 1 << 3;
inline constexpr uint16_t kAll = (1 << 4) - 1;
}  // namespace oflag

namespace fstflag {
inline constexpr uint16_t kAtim = 1 << 0;
inline constexpr uint16_t kAtimNow = 1 << 1;
inline constexpr uint16_t kMtim = 1 << 2;
inline constexpr uint16_t kMtimNow = 1 << 3;
inline constexpr uint16_t kAll = (1 << 4) - 1;
}  // namespace fstflag

inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

namespace event_type {
inline constexpr uint8_t kClock = 0;
inline constexpr uint8_t kFdRead = 1;
inline constexpr uint8_t kFdWrite = 2;
}  // namespace event_type

inline constexpr uint16_t kSubscriptionClockAbstime = 1 << 0;
inline constexpr uint16_t kEventFdReadwriteHangup = 1 << 0;
inline constexpr uint8_t kPreopenTypeDir = 0;

// ---- structure layouts (byte offsets in guest memory) ---------------------------------------

namespace layout {
// iovec / ciovec: { buf: u32, buf_len: u32 }
inline constexpr uint32_t kIovecSize = 8;

// fdstat
inline constexpr uint32_t kFdstatSize = 24;
inline constexpr uint32_t kFdstatFiletype = 0;        // u8
inline constexpr uint32_t kFdstatFlags = 2;           // u16
inline constexpr uint32_t kFdstatRightsBase = 8;      // u64
inline constexpr uint32_t kFdstatRightsInheriting = 16;  // u64

// filestat
inline constexpr uint32_t kFilestatSize = 64;
inline constexpr uint32_t kFilestatDev = 0;
inline constexpr uint32_t kFilestatIno = 8;
inline constexpr uint32_t kFilestatFiletype = 16;  // u8
inline constexpr uint32_t kFilestatNlink = 24;
inline constexpr uint32_t kFilestatFileSize = 32;
inline constexpr uint32_t kFilestatAtim = 40;
inline constexpr uint32_t kFilestatMtim = 48;
inline constexpr uint32_t kFilestatCtim = 56;

// prestat: { tag: u8, pr_name_len: u32 @4 }
inline constexpr uint32_t kPrestatSize = 8;
inline constexpr uint32_t kPrestatTag = 0;
inline constexpr uint32_t kPrestatNameLen = 4;

// dirent header, followed by d_namlen bytes of name
inline constexpr uint32_t kDirentSize = 24;
inline constexpr uint32_t kDirentNext = 0;    // u64
inline constexpr uint32_t kDirentIno = 8;     // u64
inline constexpr uint32_t kDirentNamlen = 16;  // u32
inline constexpr uint32_t kDirentType = 20;   // u8

// subscription: { userdata: u64, tag: u8 @8, clock or fd_readwrite @16 }
inline constexpr uint32_t kSubscriptionSize = 48;
inline constexpr uint32_t kSubscriptionUserdata = 0;
inline constexpr uint32_t kSubscriptionTag = 8;
inline constexpr uint32_t kSubscriptionClockId = 16;         // u32
inline constexpr uint32_t kSubscriptionClockTimeout = 24;    // u64
inline constexpr uint32_t kSubscriptionClockPrecision = 32;  // u64
inline constexpr uint32_t kSubscriptionClockFlags = 40;      // u16
inline constexpr uint32_t kSubscriptionFd = 16;              // u32

// event: { userdata: u64, error: u16 @8, type: u8 @10, nbytes: u64 @16, flags: u16 @24 }
inline constexpr uint32_t kEventSize = 32;
inline constexpr uint32_t kEventUserdata = 0;
inline constexpr uint32_t kEventError = 8;
inline constexpr uint32_t kEventType = 10;
inline constexpr uint32_t kEventNbytes = 16;
inline constexpr uint32_t kEventFlags = 24;
}  // namespace layout

}  // namespace wisp::wasi
