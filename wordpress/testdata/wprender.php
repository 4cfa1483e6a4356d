<?php
// Installs WordPress into the test's database, puts the export's posts,
// pages and attachments in with their own ids (attachments pointing at
// files under wp-content/uploads, at the path their URL names), and
// prints, as JSON on its last line, what WordPress shows of the bodies
// named: apply_filters('the_content', …) with the post set up as the
// loop sets it up.
// The export's items come as JSON the Go test wrote (this PHP may lack
// its XML extensions): id, type, status, title, name, content, excerpt,
// parent, menu_order, date, attachment_url, alt, thumbnail.
// Usage: php wprender.php ROOT HOST:PORT ITEMS.json ID,ID,…
if (!function_exists('wp_mail')) { function wp_mail() { return true; } } // no mail leaves the test
[$_, $root, $host, $itemsFile, $wanted] = $argv;
define('ABSPATH', $root . '/');
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = $host;
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = explode(':', $host)[0];
$_SERVER['SERVER_PORT'] = explode(':', $host)[1];
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

wp_install('Render', 'admin', 'admin@example.com', true, '', 'unused-' . wp_generate_password(20));
foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1]) as $p) {
	wp_delete_post($p->ID, true);
}
wp_set_current_user(1);
// The export's bodies go in as written: the content filter is what is
// compared, not what kses would make of them on saving.
kses_remove_filters();

$items = json_decode(file_get_contents($itemsFile), true);
// Posts and pages first, so attachments find their parents.
usort($items, fn($a, $b) => ($a['type'] === 'attachment') <=> ($b['type'] === 'attachment'));
$uploads = '/wp-content/uploads/';
foreach ($items as $it) {
	$type = $it['type'];
	$status = $it['status'];
	if ($type === 'attachment') { $status = 'inherit'; }
	elseif (!in_array($status, ['publish', 'draft', 'pending', 'private', 'future'], true)) { $status = 'draft'; }
	$post = ['import_id' => $it['id'], 'post_type' => $type, 'post_status' => $status,
		'post_title' => $it['title'], 'post_name' => $it['name'], 'post_content' => $it['content'],
		'post_excerpt' => $it['excerpt'], 'post_parent' => $it['parent'], 'menu_order' => $it['menu_order'],
		'post_date' => $it['date'], 'post_author' => 1];
	if ($type === 'attachment') {
		$url = $it['attachment_url'];
		$path = parse_url($url, PHP_URL_PATH);
		$at = strpos($path, $uploads);
		$file = ltrim($at === false ? $path : substr($path, $at + strlen($uploads)), '/');
		$post['guid'] = $url;
		$post['post_mime_type'] = wp_check_filetype($file)['type'] ?: 'image/jpeg';
		$id = wp_insert_attachment(wp_slash($post), false, $post['post_parent'], true);
		if (!is_wp_error($id)) { update_post_meta($id, '_wp_attached_file', $file); }
	} else {
		$id = wp_insert_post(wp_slash($post), true);
	}
	if (is_wp_error($id)) { fwrite(STDERR, $it['title'] . ': ' . $id->get_error_message() . "\n"); exit(1); }
	if ($id !== $it['id']) { fwrite(STDERR, $it['title'] . ": got id $id, not " . $it['id'] . "\n"); exit(1); }
	if ($it['alt'] !== '') { update_post_meta($id, '_wp_attachment_image_alt', $it['alt']); }
	if ($it['thumbnail'] !== '') { update_post_meta($id, '_thumbnail_id', $it['thumbnail']); }
}

$out = [];
foreach (explode(',', $wanted) as $id) {
	global $post;
	$post = get_post((int) $id);
	if (!$post) { fwrite(STDERR, "no post $id\n"); exit(1); }
	setup_postdata($post);
	$out[$id] = apply_filters('the_content', $post->post_content);
	wp_reset_postdata();
}
echo "\n" . json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n";
