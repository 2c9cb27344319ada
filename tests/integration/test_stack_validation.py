"""Bad input to the geospatial stack fails before any change, with a message naming the variable.

Each case runs the whole playbooks/site.yml against this machine (inventories/local) with one bad variable: the play
must stop in its first play, which only reads (the declaration is checked before the engine, the swarm, the images or
any service is touched), and report changed=0. Nothing here needs the Docker engine.
"""

from __future__ import annotations

import json
import zipfile

import pytest
from playbook_output import refused_in_first_play, run_site

pytestmark = [pytest.mark.integration, pytest.mark.firstplay]

COUNTRIES = dict(name='countries', sample='naturalearth_lowres', table='public.countries', srid=4326)
BACKUP = ['postgis', 'backup', 'mapserver', 'qgis_server', 'edge']
HELLO = dict(name='hello', schedule='* * * * *', service=dict(image='tools', command=['sh', '-c', 'echo hi']))

CASES = {
    'unknown service': (
        dict(geostack_services=['postgis', 'mapserver', 'geoserver', 'edge']),
        # ansible-core's role argument validation (meta/argument_specs.yml) answers first.
        'value of geostack_services must be one or more of: postgis, backup, mapserver, qgis_server, pygeoapi, mapproxy, edge, scheduler, '
        'monitoring. '
        'Got no match for: geoserver'),
    'map server without postgis': (
        dict(geostack_services=['mapserver', 'edge']),
        'geostack_services: mapserver needs postgis, which is not in the list'),
    'missing dataset file': (
        dict(geostack_datasets=[COUNTRIES, dict(name='roads', file='/nonexistent/roads.gpkg', table='roads', srid=4326)]),
        'geostack_datasets[1] (roads).file: /nonexistent/roads.gpkg is not a file on the controller'),
    'shapefile without its sidecars': (
        dict(geostack_datasets=[COUNTRIES, dict(name='lonely', file='@SHP@', table='lonely', srid=4326)]),
        'geostack_datasets[1] (lonely).file: the Shapefile @SHP@ has no .shx beside it'),
    'layer on a missing table': (
        dict(geostack_datasets=[COUNTRIES],
             geostack_layers=[dict(name='countries', table='public.countries', type='polygon'),
                              dict(name='rivers', table='public.rivers', type='line')]),
        'geostack_layers[1] (rivers).table: public.rivers is not the table of any dataset of geostack_datasets'),
    'invalid srid': (
        dict(geostack_datasets=[dict(COUNTRIES, srid=99999)],
             geostack_layers=[dict(name='countries', table='public.countries', type='polygon')]),
        'geostack_datasets[0] (countries).srid: 99999 is not an SRID that PostGIS knows'),
    'two services on one path prefix': (
        dict(mapserver_path='/ows', qgis_server_path='/ows'),
        'mapserver_path and qgis_server_path are both /ows: two services on one path prefix'),
    'nested path prefixes': (
        dict(mapserver_path='/ows', qgis_server_path='/ows/qgis'),
        'mapserver_path (/ows) and qgis_server_path (/ows/qgis): one path prefix is inside the other'),
    'bad postgis password': (
        dict(postgis_reader_password='short'),
        'postgis_reader_password must be a string of at least 12 characters'),
    'bad mapserver replicas': (
        dict(mapserver_replicas=0),
        'mapserver_replicas must be at least 1'),
    'edge ports clash': (
        dict(edge_http_port=8443, edge_https_port=8443),
        'edge_http_port and edge_https_port must differ'),
    # -- the stack's name and its Docker objects' names
    'stack name ends with a dash': (
        dict(geostack_stack='geo-'),
        'geostack_stack=geo- must be lower-case letters, digits, _ and -, starting with a letter and ending with a letter'),
    'stack name with a trailing newline': (
        dict(geostack_stack='geostack\n'),
        'geostack_stack=geostack must be lower-case letters'),
    'stack name too long for the secret names': (
        dict(geostack_stack='a' * 25),
        'geostack_stack=%s is 25 characters: at most 24, for the Docker secret %s_postgis_superuser_password_<digest of 12>'
        % ('a' * 25, 'a' * 25)),
    'loading job name too long': (
        dict(geostack_stack='a' * 24, geostack_datasets=[COUNTRIES, dict(COUNTRIES, name='b' * 40, table='public.b')]),
        'geostack_datasets[1] (%s).name: the loading job %s_load_%s would be longer than the 63 characters'
        % ('b' * 40, 'a' * 24, 'b' * 40)),
    # -- the public URL
    'public url with a path': (
        dict(geostack_public_url='https://maps.example.org/geo'),
        'geostack_public_url=https://maps.example.org/geo must be empty or a URL such as https://maps.example.org'),
    'public url with a trailing newline': (
        dict(geostack_public_url='https://maps.example.org\n'),
        'geostack_public_url=https://maps.example.org must be empty or a URL'),
    'public url port out of range': (
        dict(geostack_public_url='https://maps.example.org:70000'),
        'geostack_public_url=https://maps.example.org:70000: the port must be from 1 to 65535'),
    'public url without a host': (
        dict(geostack_public_url='https://'),
        'geostack_public_url=https:// must be empty or a URL'),
    # -- networks
    'back network is the front network': (
        dict(geostack_back_network='geostack_front'),
        'geostack_back_network=geostack_front is also geostack_front_network'),
    'back network not internal': (
        dict(swarm_networks=[dict(name='geostack_front'), dict(name='geostack_back')]),
        'geostack_back_network=geostack_back is declared in swarm_networks without internal: true'),
    'network not declared': (
        dict(swarm_networks=[dict(name='geostack_front'), dict(name='geostack_back', internal=True)],
             geostack_front_network='front'),
        'geostack_front_network=front is not declared in swarm_networks (geostack_front, geostack_back)'),
    'bad network name': (
        dict(geostack_back_network='back net'),
        'geostack_back_network=back net is not a network name'),
    # -- datasets
    'two schemas one table name': (
        dict(geostack_datasets=[dict(COUNTRIES, name='a_roads', table='a.roads'),
                                dict(COUNTRIES, name='b_roads', table='b.roads')], geostack_layers=[]),
        'geostack_datasets[1] (b_roads).table: b.roads and a.roads (geostack_datasets[0] (a_roads)) are both loaded '
        'through the staging table geostack_staging.roads'),
    'table spatial_ref_sys': (
        dict(geostack_datasets=[dict(COUNTRIES, table='public.spatial_ref_sys')], geostack_layers=[]),
        'geostack_datasets[0] (countries).table: public.spatial_ref_sys: the name spatial_ref_sys is reserved'),
    'table in pg_catalog': (
        dict(geostack_datasets=[dict(COUNTRIES, table='pg_catalog.countries')], geostack_layers=[]),
        'geostack_datasets[0] (countries).table: pg_catalog.countries: the schema pg_catalog is reserved'),
    'table in topology': (
        dict(geostack_datasets=[dict(COUNTRIES, table='topology.countries')], geostack_layers=[]),
        'geostack_datasets[0] (countries).table: topology.countries: the schema topology is reserved'),
    'shapefile without prj nor source_srid': (
        dict(geostack_datasets=[COUNTRIES, dict(name='roads', file='@DIR@/roads.shp', table='roads', srid=4326)]),
        'geostack_datasets[1] (roads).source_srid: the Shapefile @DIR@/roads.shp has no .prj beside it'),
    'zipped shapefile without prj nor source_srid': (
        dict(geostack_datasets=[COUNTRIES, dict(name='roads', file='@DIR@/roads.zip', table='roads', srid=4326)]),
        'geostack_datasets[1] (roads).source_srid: the Shapefile roads.shp in @DIR@/roads.zip has no .prj beside it'),
    'csv without source_srid': (
        dict(geostack_datasets=[COUNTRIES, dict(name='stations', file='@DIR@/stations.csv', table='stations', srid=4326,
                                                x='lon', y='lat')]),
        'geostack_datasets[1] (stations).source_srid: a CSV source does not say its SRID: set source_srid'),
    'dataset url with a space': (
        dict(geostack_datasets=[COUNTRIES, dict(name='r', url='https://exa mple.org/r.gpkg', table='r', srid=4326)]),
        "geostack_datasets[1] (r).url: 'https://exa mple.org/r.gpkg' must be an http(s):// or ftp:// URL"),
    'dataset url with a trailing newline': (
        dict(geostack_datasets=[COUNTRIES, dict(name='r', url='https://example.org/r.gpkg\n', table='r', srid=4326)]),
        'geostack_datasets[1] (r).url:'),
    'dataset name with a trailing newline': (
        dict(geostack_datasets=[dict(COUNTRIES, name='countries\n')], geostack_layers=[]),
        'must be lower-case letters, digits and _ (at most 40, starting with a letter)'),
    # -- routes on the edge
    'route on the leaflet files': (
        dict(mapserver_path='/leaflet'),
        'mapserver_path=/leaflet collides with /leaflet, which the edge serves itself'),
    'route on the stylesheet': (
        dict(qgis_server_path='/geostack.css'),
        'qgis_server_path=/geostack.css collides with /geostack.css, which the edge serves itself'),
    'route on the health check': (
        dict(mapserver_path='/healthz/'),
        'mapserver_path=/healthz collides with /healthz'),
    'route with dot-dot': (
        dict(mapserver_path='/maps/../qgis'),
        "mapserver_path: '/maps/../qgis' must not have a . or .. segment"),
    'route without a leading slash': (
        dict(qgis_server_path='qgis'),
        "qgis_server_path: 'qgis' must be a path such as /mapserver"),
    'route with a trailing newline': (
        dict(qgis_server_path='/qgis\n'),
        'qgis_server_path: '),
    # -- published ports
    'postgis on the https port': (
        dict(postgis_publish_port=443),
        'edge_https_port=443 is also postgis_publish_port: two services cannot publish one port'),
    'edge on the swarm manager port': (
        dict(edge_http_port=2377),
        'edge_http_port=2377 is reserved: it is the port of the swarm managers'),
    'edge on the gossip port': (
        dict(edge_https_port=7946),
        'edge_https_port=7946 is reserved: it is the gossip port of the swarm nodes'),
    'postgis on the registry port': (
        dict(postgis_publish_port=5000),
        'postgis_publish_port=5000 is reserved: it is registry_port'),
    'postgis on the vxlan port': (
        dict(postgis_publish_port=4789, registry_port=5001),
        'postgis_publish_port=4789 is reserved: it is the overlay traffic of the swarm'),
    'postgis port out of range': (
        dict(postgis_publish_port=70000),
        'postgis_publish_port must be 0 (not published) or a port up to 65535'),
    # -- PostgreSQL's access rules and TLS, which the role sets itself
    'postgis setting ssl': (
        dict(postgis_settings={'ssl': 'off'}),
        'postgis_settings.ssl is set by the role itself'),
    'postgis setting hba_file': (
        dict(postgis_settings={'shared_buffers': '128MB', 'hba_file': '/tmp/pg_hba.conf'}),
        'postgis_settings.hba_file is set by the role itself'),
    'postgis publish clients not networks': (
        dict(postgis_publish_port=15432, postgis_publish_clients=['0.0.0.0/0', 'everywhere']),
        'postgis_publish_clients[1]: everywhere is not a network address in CIDR form'),
    'postgis publish client with host bits': (
        dict(postgis_publish_clients=['192.0.2.1/24']),
        'postgis_publish_clients[0]: 192.0.2.1/24 is not a network address in CIDR form'),
    'postgis certificate name with a space': (
        dict(postgis_tls_names=['db example.org']),
        'postgis_tls_names[0]: db example.org is not a DNS name or an IP address'),
    # -- PostgreSQL's own names
    'database template1': (
        dict(postgis_database='template1'),
        'postgis_database=template1 is reserved by PostgreSQL'),
    'database template0': (
        dict(postgis_database='template0'),
        'postgis_database=template0 is reserved by PostgreSQL'),
    'database postgres': (
        dict(postgis_database='postgres'),
        'postgis_database=postgres is reserved by PostgreSQL'),
    'database with a trailing newline': (
        dict(postgis_database='gis\n'),
        'postgis_database=gis must be lower-case letters, digits and _'),
    'owner named postgres': (
        dict(postgis_owner='postgres', postgis_superuser='admin'),
        'postgis_owner=postgres is the name of the PostgreSQL superuser'),
    'reader named pg_monitor': (
        dict(postgis_reader='pg_monitor'),
        'postgis_reader=pg_monitor is reserved by PostgreSQL'),
    'owner named public': (
        dict(postgis_owner='public'),
        'postgis_owner=public is reserved by PostgreSQL'),
    'volume with a trailing newline': (
        dict(postgis_volume='geostack_pgdata\n'),
        'postgis_volume=geostack_pgdata is not a volume name'),
    # -- the edge's, the map servers' and the data's own variables
    'server name with a trailing newline': (
        dict(edge_server_names=['maps.example.org\n']),
        'edge_server_names: maps.example.org is not a host name or an address'),
    'edge constraint not a constraint': (
        dict(edge_constraints=['manager']),
        'edge_constraints: manager is not a placement constraint'),
    'edge title on two lines': (
        dict(edge_title='geo\nstack'),
        'edge_title must be one line of text'),
    'map server srs a string': (
        dict(mapserver_srs='EPSG:4326'),
        'mapserver_srs must be a list of EPSG:<code>'),
    'map server srs with a trailing newline': (
        dict(qgis_server_srs=['EPSG:4326\n']),
        'qgis_server_srs: EPSG:4326 must be EPSG:<code>'),
    'map server title empty': (
        dict(mapserver_title=''),
        'mapserver_title must be one line of text'),
    'data reader reserved': (
        dict(data_readers=['public']),
        'data_readers: public is reserved by PostgreSQL'),
    'image reference with a space': (
        dict(geostack_images={'postgis': 'my postgis:15'}),
        'geostack_images.postgis=my postgis:15 is not an image reference'),
    'service image with a trailing newline': (
        dict(mapserver_image='registry.example.org/geostack/mapserver:1\n'),
        'mapserver_image=registry.example.org/geostack/mapserver:1 must be empty or an image reference'),
    'verification from an unknown host': (
        dict(geostack_verify_from='nowhere'),
        'geostack_verify_from=nowhere is not a host of the inventory'),
    'postgres setting on two lines': (
        dict(postgis_settings={'work_mem': '32MB\nshared_preload_libraries=evil'}),
        'postgis_settings.work_mem must be one line'),
    # -- types: a string where a list is wanted, a number where a string is
    'server names a string': (
        dict(edge_server_names='maps.example.org'),
        'edge_server_names must be a list of host names or addresses'),
    'services a string': (
        dict(geostack_services='postgis'),
        'geostack_services must be a list of services'),
    'database a number': (
        dict(postgis_database=5),
        'postgis_database=5 must be lower-case letters, digits and _'),
    'replicas not a number': (
        dict(mapserver_replicas='two'),
        "argument 'mapserver_replicas' is of type str and we were unable to convert to int"),
    'layer name with a trailing newline': (
        dict(geostack_layers=[dict(name='countries\n', table='public.countries', type='polygon')]),
        "must start with a letter, then letters, digits, _ and -"),
    # -- the engine's and the images' variables, checked here too (with this host's variables)
    'docker API on tcp': (
        dict(docker_engine_daemon_options={'hosts': ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375']}),
        'docker_engine_daemon_options.hosts: tcp://0.0.0.0:2375 would open the Docker API on TCP'),
    'debian mirror over https': (
        dict(images_debian_mirror='https://deb.debian.org/debian'),
        'images_debian_mirror=https://deb.debian.org/debian must be an http:// URL'),
    'data dir relative': (
        dict(data_dir='datasets'),
        'data_dir=datasets must be an absolute path'),
    # -- the registry's own variables (geostack.swarm.registry, entry point validate), in the first play too
    'registry password of one character': (
        dict(registry_password='x'),
        'registry_password must be a string of at least 12 characters'),
    'registry port of the swarm': (
        dict(registry_port=7946),
        'registry_port=7946 is reserved: 2377, 7946 and 4789 are the ports of the swarm'),
    'registry credentials directory relative': (
        dict(registry_credentials_dir='credentials'),
        'registry_credentials_dir=credentials must be an absolute path on the controller'),
    # -- the scheduler's jobs (geostack.swarm.scheduler): declaring one deploys the scheduler, so it is checked
    'job with an invalid cron expression': (
        dict(scheduler_jobs=[dict(HELLO, schedule='61 * * * *')]),
        "scheduler_jobs[0] (hello).schedule: '61 * * * *': 61 is not a minute (0 to 59)"),
    'job with an unknown concurrency policy': (
        dict(scheduler_jobs=[dict(HELLO, concurrency='queue')]),
        "scheduler_jobs[0] (hello).concurrency: 'queue' is not one of forbid, replace, allow"),
    'job with a zero deadline and a negative timeout': (
        dict(scheduler_jobs=[dict(HELLO, starting_deadline=0, timeout=-1)]),
        'scheduler_jobs[0] (hello).starting_deadline: 0 must be a positive number of seconds (or null: none); '
        'scheduler_jobs[0] (hello).timeout: -1 must be a positive number of seconds'),
    'job with a negative history': (
        dict(scheduler_jobs=[dict(HELLO, failed_history=-1)]),
        'scheduler_jobs[0] (hello).failed_history: -1 must be a number of runs kept, 0 or more'),
    'two jobs of one name': (
        dict(scheduler_jobs=[HELLO, dict(HELLO, schedule='@daily')]),
        'scheduler_jobs[1] (hello).name: hello is also scheduler_jobs[0] (hello): job names must be unique'),
    'job in a time zone that does not exist': (
        dict(scheduler_jobs=[dict(HELLO, time_zone='Europe/Atlantis')]),
        "scheduler_jobs[0] (hello).time_zone: 'Europe/Atlantis' is not a time zone of the IANA database"),
    'job whose run publishes a port': (
        dict(scheduler_jobs=[dict(HELLO, service=dict(image='tools', ports=[dict(target=80)]))]),
        'scheduler_jobs[0] (hello).service: ports not for a run'),
    'scheduler tick out of range': (
        dict(scheduler_jobs=[HELLO], scheduler_tick=0),
        'scheduler_tick=0 must be a number of seconds from 1 to 60'),
    # -- backups (geostack.swarm.backup)
    'backup schedule with an invalid cron expression': (
        dict(geostack_services=BACKUP, backup_schedules=dict(full='15 1 * * 0', incr='15 25 * * *')),
        "backup_schedules.incr: '15 25 * * *': 25 is not a hour (0 to 23)"),
    'backup retention of 0': (
        dict(geostack_services=BACKUP, backup_retention_full=0),
        'backup_retention_full=0 must be a number from 1 to 9999999 (backups): 0 would keep no backup'),
    'backup archive timeout above 60 s': (
        dict(geostack_services=BACKUP, backup_archive_timeout=300),
        'backup_archive_timeout=300 must be a number of seconds from 1 to 60'),
    'backup passphrase too short': (
        dict(geostack_services=BACKUP, backup_cipher_passphrase='0123456789abcdefghi'),
        'backup_cipher_passphrase is shorter than 20 characters'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_input_fails_before_any_change(case, tmp_path):
    extra, expected = CASES[case]
    shp = tmp_path / 'lonely.shp'
    shp.write_bytes(b'not really a shapefile')
    for name in ('roads.shp', 'roads.shx', 'roads.dbf'):
        (tmp_path / name).write_bytes(b'not really a shapefile')
    (tmp_path / 'stations.csv').write_text('id,lon,lat\n1,2,3\n')
    with zipfile.ZipFile(str(tmp_path / 'roads.zip'), 'w') as archive:
        for name in ('roads.shp', 'roads.shx', 'roads.dbf'):
            archive.writestr(name, 'not really a shapefile')
    extra = json.loads(json.dumps(extra).replace('@SHP@', str(shp)).replace('@DIR@', str(tmp_path)))
    expected = expected.replace('@SHP@', str(shp)).replace('@DIR@', str(tmp_path))
    text = refused_in_first_play(run_site(tmp_path, extra))
    assert expected in text, text[-3000:]
