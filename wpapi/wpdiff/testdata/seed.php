<?php
// Installs WordPress into this run's database and seeds the content the
// differential test also gives Communiqué, then prints the ids WordPress
// chose and the application passwords as JSON.
// Usage: php seed.php ROOT HOST:PORT SEED.json IMAGE
if (!function_exists('wp_mail')) { function wp_mail() { return true; } } // no mail leaves the test
[$_, $root, $host, $seedFile, $image] = $argv;
define('ABSPATH', $root . '/');
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = $host;
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = explode(':', $host)[0];
$_SERVER['SERVER_PORT'] = explode(':', $host)[1];
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

$seed = json_decode(file_get_contents($seedFile), true);
$admin = $seed['users'][0];
$installed = wp_install($seed['title'], $admin['login'], $admin['email'], true, '', 'unused-' . wp_generate_password(20));
// WordPress's own first post, page and privacy page are not the seed's.
foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1]) as $p) {
	wp_delete_post($p->ID, true);
}
update_option('blogdescription', $seed['tagline']);
update_option('timezone_string', $seed['timezone']);
update_option('permalink_structure', '/%year%/%monthnum%/%day%/%postname%/');
update_option('comment_moderation', 0);
update_option('comment_previously_approved', 0);
update_option('thread_comments', 1);
update_option('thread_comments_depth', 5);
delete_option('rewrite_rules');

$ids = [];
$passwords = [];
foreach ($seed['users'] as $i => $u) {
	if ($i === 0) {
		$uid = $installed['user_id'];
		wp_update_user(['ID' => $uid, 'display_name' => $u['name'], 'first_name' => $u['first'], 'last_name' => $u['last']]);
	} else {
		$uid = wp_insert_user(['user_login' => $u['login'], 'user_email' => $u['email'], 'user_pass' => wp_generate_password(24),
			'role' => $u['role'], 'display_name' => $u['name'], 'first_name' => $u['first'], 'last_name' => $u['last']]);
	}
	if (is_wp_error($uid)) { fwrite(STDERR, $uid->get_error_message() . "\n"); exit(1); }
	$ids['user:' . $u['login']] = $uid;
	[$pw] = WP_Application_Passwords::create_new_application_password($uid, ['name' => 'differential test']);
	$passwords[$u['login']] = $pw;
}
foreach ($seed['terms'] as $t) {
	$args = ['slug' => $t['slug'], 'description' => $t['description']];
	if (!empty($t['parent'])) { $args['parent'] = $ids['term:' . $t['parent']]; }
	$r = wp_insert_term($t['name'], $t['taxonomy'], $args);
	if (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message() . "\n"); exit(1); }
	$ids['term:' . $t['slug']] = $r['term_id'];
}

wp_set_current_user($ids['user:' . $seed['image']['author']]);
$bits = wp_upload_bits($seed['image']['file'], null, file_get_contents($image));
if (!empty($bits['error'])) { fwrite(STDERR, $bits['error'] . "\n"); exit(1); }
$att = wp_insert_attachment(['post_mime_type' => 'image/png', 'post_title' => $seed['image']['title'], 'post_excerpt' => $seed['image']['caption'],
	'post_content' => '', 'post_status' => 'inherit', 'post_author' => $ids['user:' . $seed['image']['author']]], $bits['file']);
wp_update_attachment_metadata($att, wp_generate_attachment_metadata($att, $bits['file']));
update_post_meta($att, '_wp_attachment_image_alt', $seed['image']['alt']);
$ids['media:image'] = $att;

foreach ($seed['posts'] as $p) {
	$status = ['published' => 'publish', 'draft' => 'draft', 'pending' => 'pending', 'scheduled' => 'future'][$p['status']];
	$cats = []; $tags = [];
	foreach ($p['categories'] ?? [] as $slug) { $cats[] = $ids['term:' . $slug]; }
	foreach ($p['tags'] ?? [] as $slug) { $tags[] = $ids['term:' . $slug]; }
	$post = ['post_type' => $p['type'], 'post_title' => $p['title'], 'post_content' => $p['html'], 'post_excerpt' => '',
		'post_status' => $status, 'post_author' => $ids['user:' . $p['author']], 'post_name' => $p['slug'] ?? '',
		'comment_status' => 'open', 'ping_status' => 'closed', 'menu_order' => $p['menu_order'] ?? 0];
	if (!empty($p['date'])) {
		$post['post_date_gmt'] = $p['date'];
		$post['post_date'] = get_date_from_gmt($p['date']);
	}
	if (!empty($p['parent'])) { $post['post_parent'] = $ids['post:' . $p['parent']]; }
	if ($cats) { $post['post_category'] = $cats; }
	$id = wp_insert_post($post, true);
	if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
	if ($tags) { wp_set_post_terms($id, $tags, 'post_tag'); }
	if (!empty($p['sticky'])) { stick_post($id); }
	if (!empty($p['featured'])) { set_post_thumbnail($id, $att); }
	$ids['post:' . $p['key']] = $id;
}
foreach ($seed['comments'] as $c) {
	$id = wp_insert_comment(['comment_post_ID' => $ids['post:' . $c['post']], 'comment_author' => $c['name'], 'comment_author_email' => $c['email'],
		'comment_author_url' => '', 'comment_content' => $c['content'], 'comment_approved' => 1, 'comment_type' => 'comment',
		'comment_parent' => empty($c['parent']) ? 0 : $ids['comment:' . $c['parent']], 'comment_date_gmt' => $c['date'],
		'comment_date' => get_date_from_gmt($c['date']), 'user_id' => empty($c['user']) ? 0 : $ids['user:' . $c['user']]]);
	$ids['comment:' . $c['key']] = $id;
}
echo json_encode(['ids' => $ids, 'passwords' => $passwords]), "\n";
