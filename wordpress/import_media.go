package wordpress

import (
	"communique"
	"communique/wxr"
	"net/url"
	"path"
	"strings"
)

// mimeTypes are the media types of files WordPress sites hold, by
// extension; the export does not say.
var mimeTypes = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
	".avif": "image/avif", ".svg": "image/svg+xml", ".bmp": "image/bmp", ".ico": "image/x-icon", ".tif": "image/tiff", ".tiff": "image/tiff",
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav", ".flac": "audio/flac",
	".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".ogv": "video/ogg",
	".pdf": "application/pdf", ".zip": "application/zip", ".txt": "text/plain", ".csv": "text/csv",
	".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls": "application/vnd.ms-excel", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt": "application/vnd.ms-powerpoint", ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

func (ru *run) attachment(it *wxr.Item) error {
	u := strings.TrimSpace(it.AttachmentURL)
	if u == "" {
		u = strings.TrimSpace(it.GUID)
	}
	if it.ID == 0 || u == "" {
		ru.skip("attachments without an id or a file address")
		return nil
	}
	ext := ""
	if pu, err := url.Parse(u); err == nil {
		ext = strings.ToLower(path.Ext(pu.Path))
	}
	at := &communique.Attachment{
		SourceID: it.ID, Title: plain(it.Title), URL: u, MIMEType: mimeTypes[ext],
		AltText: plain(it.MetaValue("_wp_attachment_image_alt")), Caption: plain(it.Excerpt),
		Description: strings.TrimSpace(it.Content), CreatedAt: wpTime(it.DateGMT, it.Date),
	}
	ia := &communique.ImportedAttachment{Attachment: at, ArticleSourceID: it.Parent}
	if p := oldPath(it.Link); p != "" {
		ia.OldPaths = []string{p}
	}
	ru.batch.Attachments = append(ru.batch.Attachments, ia)
	return ru.maybeFlush()
}
