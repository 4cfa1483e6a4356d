// The newsroom's rich-text editor: Tiptap over the editor form's body
// textarea, which it keeps in step (autosave and Save read the textarea),
// so without JavaScript the textarea is the editor, as before. What it
// writes is HTML the server sanitises anyway; pasted text goes through
// the editor's schema, which keeps only what the nodes below describe.
import { Editor, Node } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TableKit } from "@tiptap/extension-table";
import { CharacterCount } from "@tiptap/extensions";

// Figure is a library image with its alt text, caption and credit.
const Figure = Node.create({
  name: "figure",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { src: { default: null }, alt: { default: "" }, caption: { default: "" }, credit: { default: "" } };
  },
  parseHTML() {
    return [{
      tag: "figure",
      getAttrs(el) {
        if (!el.querySelector("img") || el.classList.contains("wp-block-embed") || el.classList.contains("wp-block-gallery")) return false;
        return figureParts(el);
      },
    }];
  },
  renderHTML({ node }) {
    return figureSpec(node.attrs, {});
  },
});

// figureParts is a figure's image, caption and credit as the nodes store them.
function figureParts(el) {
  const img = el.querySelector("img");
  const cap = el.querySelector("figcaption");
  const credit = cap && cap.querySelector("small");
  let caption = cap ? cap.textContent : "";
  if (credit) caption = caption.slice(0, caption.length - credit.textContent.length);
  return { src: img ? img.getAttribute("src") : null, alt: img ? img.getAttribute("alt") || "" : "", caption: caption.trim(), credit: credit ? credit.textContent.trim() : "" };
}

function figureSpec(a, attrs) {
  const cap = [];
  if (a.caption) cap.push(a.caption);
  if (a.caption && a.credit) cap.push(" ");
  if (a.credit) cap.push(["small", {}, a.credit]);
  const img = ["img", { src: a.src, alt: a.alt }];
  return cap.length ? ["figure", attrs, img, ["figcaption", {}, ...cap]] : ["figure", attrs, img];
}

// Gallery is several library images side by side, in WordPress's block
// shape (figure.wp-block-gallery of figure.wp-block-image), which the
// site's theme lays out as a grid and imports keep.
const Gallery = Node.create({
  name: "gallery",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { images: { default: [] } };
  },
  parseHTML() {
    return [{
      tag: "figure.wp-block-gallery",
      priority: 60,
      getAttrs(el) {
        const images = Array.from(el.querySelectorAll("figure")).map(figureParts).filter((i) => i.src);
        return images.length ? { images } : false;
      },
    }];
  },
  renderHTML({ node }) {
    const images = node.attrs.images;
    const cols = Math.min(Math.max(images.length, 1), 4);
    return ["figure", { class: "wp-block-gallery has-nested-images columns-" + cols },
      ...images.map((i) => figureSpec(i, { class: "wp-block-image" }))];
  },
});

// providers names the embeds the site knows by the URL's host.
const providers = [
  [/(^|\.)(youtube\.com|youtu\.be)$/, "video", "youtube"],
  [/(^|\.)vimeo\.com$/, "video", "vimeo"],
  [/(^|\.)(twitter\.com|x\.com)$/, "rich", "twitter"],
  [/(^|\.)instagram\.com$/, "rich", "instagram"],
  [/(^|\.)tiktok\.com$/, "video", "tiktok"],
  [/(^|\.)soundcloud\.com$/, "rich", "soundcloud"],
];

export function embedKind(url) {
  let host;
  try { host = new URL(url).hostname.toLowerCase(); } catch (e) { return null; }
  for (const [re, type, provider] of providers) if (re.test(host)) return { type, provider };
  return { type: "rich", provider: host.replace(/^www\./, "").replace(/[^a-z0-9]+/g, "-") };
}

// Embed is a video or social post by URL, stored in WordPress's block
// shape so the site's one renderer turns it into a click-to-load
// placeholder: nothing is fetched from the other site until a reader asks.
const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { url: { default: "" }, type: { default: "rich" }, provider: { default: "" } };
  },
  parseHTML() {
    return [{
      tag: "figure.wp-block-embed",
      getAttrs(el) {
        const w = el.querySelector(".wp-block-embed__wrapper") || el;
        const url = w.textContent.trim();
        const kind = embedKind(url);
        return kind ? { url, type: kind.type, provider: kind.provider } : false;
      },
    }];
  },
  renderHTML({ node }) {
    const a = node.attrs;
    return ["figure", { class: "wp-block-embed is-type-" + a.type + " is-provider-" + a.provider },
      ["div", { class: "wp-block-embed__wrapper" }, a.url]];
  },
});

// clean drops what the editor adds for its own display (column widths,
// single-cell spans, empty paragraphs), so the stored HTML is plain.
function clean(html) {
  const t = document.createElement("template");
  t.innerHTML = html;
  const all = (sel) => Array.from(t.content.querySelectorAll(sel));
  all("[style]").forEach((e) => e.removeAttribute("style"));
  all("colgroup").forEach((e) => e.remove());
  all('[colspan="1"]').forEach((e) => e.removeAttribute("colspan"));
  all('[rowspan="1"]').forEach((e) => e.removeAttribute("rowspan"));
  all("p:empty").forEach((e) => e.remove());
  return t.innerHTML;
}

function button(label, run, isActive) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.className = "secondary";
  b.dataset.command = label;
  b.addEventListener("click", (e) => { e.preventDefault(); run(); });
  b.isActive = isActive;
  return b;
}

function ask(question, fallback) {
  const v = window.prompt(question, fallback || "");
  return v === null ? null : v.trim();
}

// imageFiles is the images among a drop's or a paste's files.
function imageFiles(dt) {
  return dt ? Array.from(dt.files || []).filter((f) => /^image\//.test(f.type)) : [];
}

// uploader sends images dropped or pasted into the editor to the media
// library (POST /admin/media.json, with the form's CSRF token), asking
// first for the alt text (required: no answer, no upload), a caption and
// a credit, then puts the stored image where it was dropped.
function uploader(form, status) {
  const token = form.querySelector('input[name="csrf_token"]');
  return async function (editor, files, pos) {
    const added = [];
    for (const file of files) {
      const alt = ask("Alt text for " + file.name + ": what the image shows, for readers who cannot see it");
      if (!alt) { status.textContent = file.name + " was not added: it needs alt text."; continue; }
      const caption = ask("Caption (optional)") || "";
      const credit = ask("Credit (optional)") || "";
      const data = new FormData();
      data.append("csrf_token", token ? token.value : "");
      data.append("file", file, file.name);
      data.append("alt", alt);
      data.append("caption", caption);
      status.textContent = "Uploading " + file.name + "…";
      let res, body;
      try {
        res = await fetch("/admin/media.json", { method: "POST", body: data, credentials: "same-origin" });
        body = await res.json();
      } catch (e) {
        status.textContent = file.name + " was not uploaded: " + e.message;
        continue;
      }
      if (!res.ok) { status.textContent = file.name + " was not uploaded: " + (body.error || res.status); continue; }
      added.push({ src: body.url, alt, caption, credit, name: file.name });
    }
    if (!added.length) return;
    // Several images dropped together make a gallery; one, a figure.
    const images = added.map(({ src, alt, caption, credit }) => ({ src, alt, caption, credit }));
    const node = images.length > 1 ? { type: "gallery", attrs: { images } } : { type: "figure", attrs: images[0] };
    const at = Math.min(pos === null ? editor.state.selection.to : pos, editor.state.doc.content.size);
    editor.chain().focus().insertContentAt(at, [node, { type: "paragraph" }]).run();
    status.textContent = added.length > 1 ? added.length + " images added to the media library and the article as a gallery."
      : added[0].name + " added to the media library and the article.";
  };
}

function mount(form, textarea, format) {
  const wrap = document.createElement("div");
  wrap.className = "rich-editor";
  const bar = document.createElement("div");
  bar.className = "rich-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Formatting");
  const area = document.createElement("div");
  const count = document.createElement("p");
  count.className = "muted rich-count";
  count.id = "rich-count";
  count.setAttribute("aria-live", "polite");
  const status = document.createElement("p");
  status.className = "muted rich-status";
  status.id = "rich-status";
  status.setAttribute("role", "status");
  wrap.append(bar, area, count, status);
  const upload = uploader(form, status);
  textarea.parentNode.insertBefore(wrap, textarea);
  textarea.hidden = true;

  const editor = new Editor({
    element: area,
    injectCSS: false, // the admin's CSP allows only its own style sheet (admin.css)
    extensions: [StarterKit.configure({ link: { openOnClick: false, protocols: ["http", "https", "mailto"], HTMLAttributes: { target: null, rel: null } } }), TableKit, CharacterCount, Figure, Gallery, Embed],
    content: textarea.value,
    editorProps: {
      attributes: { class: "rich-body", role: "textbox", "aria-multiline": "true", "aria-label": "Body", id: "rich-body" },
      // Images dragged in from the desktop or pasted go to the library.
      handleDrop(view, event, slice, moved) {
        const files = moved ? [] : imageFiles(event.dataTransfer);
        if (!files.length) return false;
        event.preventDefault();
        const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
        upload(editor, files, at ? at.pos : null);
        return true;
      },
      handlePaste(view, event) {
        // Word and Docs put a picture of the copied text beside its HTML:
        // that paste is text, not an image.
        const files = imageFiles(event.clipboardData);
        if (!files.length || event.clipboardData.getData("text/html")) return false;
        event.preventDefault();
        upload(editor, files, null);
        return true;
      },
    },
    onUpdate() { sync(); },
    onSelectionUpdate() { pressed(); },
  });
  function sync() {
    textarea.value = editor.isEmpty ? "" : clean(editor.getHTML());
    const c = editor.storage.characterCount;
    count.textContent = c.words() + " words, " + c.characters() + " characters";
    pressed();
  }
  const chain = () => editor.chain().focus();
  const tools = [
    button("Paragraph", () => chain().setParagraph().run(), () => editor.isActive("paragraph")),
    button("Heading", () => chain().toggleHeading({ level: 2 }).run(), () => editor.isActive("heading", { level: 2 })),
    button("Subheading", () => chain().toggleHeading({ level: 3 }).run(), () => editor.isActive("heading", { level: 3 })),
    button("Bold", () => chain().toggleBold().run(), () => editor.isActive("bold")),
    button("Italic", () => chain().toggleItalic().run(), () => editor.isActive("italic")),
    button("Link", () => {
      const url = ask("Link address (https://…); empty removes the link", editor.getAttributes("link").href);
      if (url === null) return;
      if (url === "") chain().extendMarkRange("link").unsetLink().run();
      else chain().extendMarkRange("link").setLink({ href: url }).run();
    }, () => editor.isActive("link")),
    button("Bulleted list", () => chain().toggleBulletList().run(), () => editor.isActive("bulletList")),
    button("Numbered list", () => chain().toggleOrderedList().run(), () => editor.isActive("orderedList")),
    button("Quote", () => chain().toggleBlockquote().run(), () => editor.isActive("blockquote")),
    button("Code", () => chain().toggleCodeBlock().run(), () => editor.isActive("codeBlock")),
    button("Table", () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()),
    button("Rule", () => chain().setHorizontalRule().run()),
    button("Image", () => {
      const src = ask("Image address from the media library (/media/…)");
      if (!src) return;
      const alt = ask("Alt text: what the image shows, for readers who cannot see it");
      if (alt === null) return;
      const caption = ask("Caption (optional)") || "";
      const credit = ask("Credit (optional)") || "";
      chain().insertContent([{ type: "figure", attrs: { src, alt, caption, credit } }, { type: "paragraph" }]).run();
    }),
    button("Embed", () => {
      const url = ask("Address of the video or post to embed (https://…)");
      const kind = url && embedKind(url);
      if (!kind) return;
      chain().insertContent([{ type: "embed", attrs: { url, type: kind.type, provider: kind.provider } }, { type: "paragraph" }]).run();
    }),
    button("Undo", () => chain().undo().run()),
    button("Redo", () => chain().redo().run()),
  ];
  function pressed() {
    for (const b of tools) if (b.isActive) b.setAttribute("aria-pressed", b.isActive() ? "true" : "false");
  }
  bar.append(...tools);
  // Markdown chosen again: back to the textarea, with the HTML written so far.
  format.addEventListener("change", () => {
    if (format.value === "html") return;
    editor.destroy();
    wrap.remove();
    textarea.hidden = false;
  }, { once: true });
  sync();
  window.communiqueEditor = editor; // for the browser test and the curious
  return editor;
}

function start() {
  const form = document.getElementById("editor");
  const textarea = document.getElementById("body");
  const format = document.getElementById("format");
  if (!form || !textarea || !format) return;
  if (format.value !== "html" && textarea.value.trim() !== "") return; // Markdown articles keep the textarea
  format.value = "html";
  mount(form, textarea, format);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
