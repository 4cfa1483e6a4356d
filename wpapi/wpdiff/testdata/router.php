<?php
// Router for PHP's built-in server: every request goes to WordPress's
// index.php with ABSPATH set to the run's folder, so that folder's
// wp-config.php (this run's database) is read instead of Debian's.
define('ABSPATH', __DIR__ . '/');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if (str_starts_with($path, '/wp-content/uploads/')) {
	return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
require ABSPATH . 'index.php';
