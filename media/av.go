package media

// Audio and video files are kept as they are (no renditions, nothing
// decoded): the library holds them so that an imported site's players
// play the site's own copy, never a file from elsewhere.
const (
	MP3  Format = "mp3"
	M4A  Format = "m4a"
	Ogg  Format = "ogg"
	WAV  Format = "wav"
	MP4  Format = "mp4"
	WebM Format = "webm"
	MOV  Format = "mov"
)

var avTypes = map[Format]string{MP3: "audio/mpeg", M4A: "audio/mp4", Ogg: "audio/ogg", WAV: "audio/wav",
	MP4: "video/mp4", WebM: "video/webm", MOV: "video/quicktime"}

// DefaultMaxAVBytes bounds an audio or video file.
const DefaultMaxAVBytes = 100 << 20

// SniffAV tells an audio or video format from a file's first bytes (at
// least 12), as browsers' sniffing does; false for anything else.
func SniffAV(b []byte) (Format, bool) {
	switch {
	case len(b) >= 3 && string(b[:3]) == "ID3", len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0:
		return MP3, true
	case len(b) >= 4 && string(b[:4]) == "OggS":
		return Ogg, true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return WAV, true
	case len(b) >= 4 && string(b[:4]) == "\x1a\x45\xdf\xa3":
		return WebM, true
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		// ISO base media: the major brand tells QuickTime and audio-only
		// MPEG-4 from the rest.
		switch string(b[8:12]) {
		case "qt  ":
			return MOV, true
		case "M4A ", "M4B ":
			return M4A, true
		}
		return MP4, true
	}
	return "", false
}
